import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { createApplication, databaseTarget } from './app.ts';
import { DEFAULT_SHUTDOWN_GRACE_MS, startClusterPrimary, WorkerStartError, type ClusterPrimary } from './cluster/cluster-primary.ts';
import { runClusterWorker } from './cluster/cluster-worker.ts';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { resolveJwtSecret } from './config/secrets.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { DatabaseInUseError } from './store/pglite-lock.ts';

function reportProviders(config: Config, logger: Logger): void {
  if (config.openai.apiKey === undefined) {
    logger.warn(
      'OPENAI_API_KEY is not set: calls on the openai-realtime engine (the default agent) cannot connect until it is. The REST API works without it.',
    );
  }
}

function reportStores(config: Config, logger: Logger, fields: Record<string, unknown> = {}): void {
  const target = databaseTarget(config);
  logger.info(
    { ...fields, database: target.kind === 'postgres' ? 'postgres' : `pglite at ${target.kind === 'pglite' ? target.dataDir : 'memory'}`, redis: config.redisUrl ? 'configured' : 'in-process' },
    'starting Switchboard',
  );
}

function onShutdownSignal(shutdown: (signal: string) => void): void {
  process.once('SIGINT', () => {
    shutdown('SIGINT');
  });
  process.once('SIGTERM', () => {
    shutdown('SIGTERM');
  });
}

/** WORKERS=1: everything in this process, listening itself. */
async function runSingle(config: Config, logger: Logger): Promise<void> {
  reportStores(config, logger);
  reportProviders(config, logger);
  const application = await createApplication(config, logger);
  await application.http.listen({ host: config.http.host, port: config.http.port });
  logger.info({ docs: `${config.http.publicUrl}/docs` }, 'Switchboard is listening');

  onShutdownSignal((signal) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    application.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

function urlOf(address: AddressInfo): string {
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${String(address.port)}`;
}

/** WORKERS>1, the primary: owns the port, runs the workers, does no application work (docs/cluster.md). */
async function runPrimary(config: Config, logger: Logger): Promise<void> {
  reportStores(config, logger, { workers: config.cluster.workers });
  reportProviders(config, logger);
  // Outside production the JWT secret may be generated into DATA_DIR: once, here, so the workers all
  // read the same file instead of racing to create it.
  resolveJwtSecret(config);
  let primary: ClusterPrimary | undefined;
  let interrupted: string | undefined;
  const shutdown = (running: ClusterPrimary, signal: string): void => {
    logger.info({ signal }, 'shutting down');
    // The workers get DEFAULT_SHUTDOWN_GRACE_MS, then are killed; this bounds the primary itself.
    const force = setTimeout(() => process.exit(1), DEFAULT_SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Installed before the workers start: a stop asked during start-up stops the starting workers (they
  // have nothing to save yet) and ends the primary with exit code 0, instead of the signal killing it.
  onShutdownSignal((signal) => {
    if (primary !== undefined) {
      shutdown(primary, signal);
      return;
    }
    interrupted = signal;
    logger.info({ signal }, 'start-up interrupted; stopping the workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  });
  try {
    primary = await startClusterPrimary({ workers: config.cluster.workers, host: config.http.host, port: config.http.port, logger });
  } catch (error) {
    if (interrupted === undefined) throw error;
    logger.info({ signal: interrupted }, 'stopped during start-up');
    process.exit(0);
  }
  if (interrupted !== undefined) {
    shutdown(primary, interrupted);
    return;
  }
  logger.info({ workers: config.cluster.workers, address: urlOf(primary.address), docs: `${config.http.publicUrl}/docs` }, 'Switchboard is listening');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  if (config.cluster.workers === 1) await runSingle(config, logger);
  else if (cluster.isPrimary) await runPrimary(config, logger.child({ component: 'cluster' }));
  else await runClusterWorker(config, logger.child({ worker: cluster.worker?.id }));
}

main().catch((error: unknown) => {
  // Expected refusals say what to do; anything else shows its stack.
  const plain = error instanceof DatabaseInUseError || error instanceof ConfigError || error instanceof WorkerStartError;
  process.stderr.write(`Switchboard failed to start: ${error instanceof Error ? (plain ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
  process.exit(1);
});
