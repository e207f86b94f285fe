import { createApplication, databaseTarget } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { DatabaseInUseError } from './store/pglite-lock.ts';

function reportProviders(config: Config, logger: Logger): void {
  if (config.openai.apiKey === undefined) {
    logger.warn(
      'OPENAI_API_KEY is not set: calls on the openai-realtime engine (the default agent) cannot connect until it is. The REST API works without it.',
    );
  }
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
  const target = databaseTarget(config);
  logger.info(
    { database: target.kind === 'postgres' ? 'postgres' : `pglite at ${target.kind === 'pglite' ? target.dataDir : 'memory'}`, redis: config.redisUrl ? 'configured' : 'in-process' },
    'starting Switchboard',
  );
  reportProviders(config, logger);
  const application = await createApplication(config, logger);
  await application.http.listen({ host: config.http.host, port: config.http.port });
  logger.info({ docs: `${config.http.publicUrl}/docs` }, 'Switchboard is listening');

  const shutdown = (signal: string) => {
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
  };
  process.once('SIGINT', () => { shutdown('SIGINT'); });
  process.once('SIGTERM', () => { shutdown('SIGTERM'); });
}

main().catch((error: unknown) => {
  // Expected refusals say what to do; anything else shows its stack.
  const plain = error instanceof DatabaseInUseError || error instanceof ConfigError;
  process.stderr.write(`Switchboard failed to start: ${error instanceof Error ? (plain ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
  process.exit(1);
});
