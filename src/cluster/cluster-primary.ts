/**
 * The primary process of cluster mode (docs/cluster.md): it owns the listening socket, forks the
 * workers, routes each connection to one of them with `@socket.io/sticky`, replaces workers that die,
 * and shuts them all down on request. It does no application work: no database, no calls.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { setupMaster } from '@socket.io/sticky';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { isClusterMessage, type ClusterMessage } from './cluster-messages.ts';
import { FIRST_BYTES_TIMEOUT_MS, guardFirstBytes, watchHandoffs, type BalancedWorker } from './connection-handoff.ts';
import { WorkerRestarts, type RestartPolicy } from './worker-restarts.ts';

export interface ClusterPrimaryOptions {
  /** Worker processes to keep running. */
  readonly workers: number;
  readonly host: string;
  readonly port: number;
  /** The primary's logger; its lines carry `component: 'cluster'`. */
  readonly logger: Logger;
  /** The workers' script; default: this process's own (`process.argv[1]`). */
  readonly exec?: string;
  /** The workers' Node options; default: this process's (`process.execArgv`, which carries tsx's loader). */
  readonly execArgv?: readonly string[];
  /** Variables added to the workers' environment (they inherit this process's). */
  readonly env?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  readonly restart?: Partial<RestartPolicy>;
  /** How long `close()` waits for the workers to shut down before it kills them. */
  readonly shutdownGraceMs?: number;
  /** How long a new connection may stay silent before the primary closes it (default `FIRST_BYTES_TIMEOUT_MS`). */
  readonly firstBytesTimeoutMs?: number;
}

export interface ClusterPrimary {
  /** Where the primary listens. */
  readonly address: AddressInfo;
  /** The pids of the workers alive now (ready or starting). */
  workers(): number[];
  /** Stops accepting connections, shuts every worker down (killed after the grace) and resolves once all have exited. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 15_000;
/** Once the workers are gone, how long `close()` waits for connections the primary still holds. */
const RELAYED_CLOSE_WAIT_MS = 1_000;

/**
 * Weight added to a starting worker's count in the `least-connection` balancing (the library reads
 * `worker.clientsCount`), so a replacement gets no connection before it can take one while another
 * worker is ready. Removed when it reports ready.
 */
const STARTING_WEIGHT = 1_000_000_000;

/** A worker died before every worker was ready the first time: start-up stops (a crash loop would only hide why). */
export class WorkerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerStartError';
  }
}


function send(worker: Worker, message: ClusterMessage): void {
  if (worker.isConnected()) worker.send(message, undefined, {}, () => undefined);
}

function listen(server: NetServer, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Forks `workers` workers, waits until each reports ready, then listens on `host:port`. Rejects (with
 * every worker stopped) when a worker dies before the first all-ready or the port cannot be bound.
 */
export async function startClusterPrimary(options: ClusterPrimaryOptions): Promise<ClusterPrimary> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  cluster.setupPrimary({
    // Bodies the primary relays to a worker stay Buffers over IPC (JSON would turn them into objects).
    serialization: 'advanced',
    ...(options.exec === undefined ? {} : { exec: options.exec }),
    ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
  });
  // The primary never parses HTTP: a plain TCP server (the library only listens to `connection`), so no
  // HTTP timeout or idle-connection reaping touches a request it is relaying.
  const server = createServer();
  setupMaster(server as unknown as HttpServer, { loadBalancingMethod: 'least-connection' });
  // A client resetting a connection the primary holds (one it relays, or one that has sent nothing yet)
  // must not crash it: an HTTP server would have listened for this, a TCP server does not.
  server.on('connection', (socket) => {
    socket.on('error', () => {
      socket.destroy();
    });
    // Nor may a client that connects and says nothing hold a file descriptor of the port's owner forever.
    guardFirstBytes(socket, options.firstBytesTimeoutMs ?? FIRST_BYTES_TIMEOUT_MS);
  });

  const restarts = new WorkerRestarts(clock, options.restart);
  const slots = new Map<Worker, number>();
  const ready = new Set<Worker>();
  let stopping = false;
  let startup: { resolve(): void; reject(error: Error): void } | undefined;

  const fork = (slot: number): void => {
    const worker: BalancedWorker = cluster.fork({ ...options.env });
    worker.clientsCount = (worker.clientsCount ?? 0) + STARTING_WEIGHT;
    // No byte of a handed-over connection is read (and lost) here; calls arriving together are spread.
    watchHandoffs(worker, clock);
    slots.set(worker, slot);
    restarts.started(slot);
    worker.on('message', (message: unknown) => {
      if (!isClusterMessage(message, 'switchboard:worker-ready') || ready.has(worker)) return;
      ready.add(worker);
      worker.clientsCount = (worker.clientsCount ?? 0) - STARTING_WEIGHT;
      logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker ready');
      if (startup && ready.size === options.workers) startup.resolve();
      if (stopping) send(worker, { type: 'switchboard:shutdown' });
    });
    worker.on('error', (error: unknown) => {
      logger.warn({ err: error, worker: worker.id }, 'worker IPC error');
    });
    worker.on('exit', (code, signal) => {
      slots.delete(worker);
      ready.delete(worker);
      if (stopping) return;
      if (startup) {
        startup.reject(new WorkerStartError(`worker ${String(worker.id)} exited while starting (code ${String(code)}, signal ${signal}); its output above says why`));
        return;
      }
      const delayMs = restarts.died(slot, () => {
        fork(slot);
      });
      // Its live calls are lost, as with any instance that crashes (docs/cluster.md).
      logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: delayMs }, 'worker died; replacing it');
    });
  };

  const stopWorkers = async (): Promise<void> => {
    stopping = true;
    restarts.stop();
    const alive = [...slots.keys()];
    const exited = alive.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.process.exitCode !== null || worker.process.signalCode !== null) resolve();
          else
            worker.once('exit', () => {
              resolve();
            });
        }),
    );
    for (const worker of alive) send(worker, { type: 'switchboard:shutdown' });
    let cancelKill: (() => void) | undefined;
    const killed = new Promise<void>((resolve) => {
      cancelKill = clock.setTimer(graceMs, () => {
        for (const worker of slots.keys()) {
          logger.warn({ worker: worker.id, workerPid: worker.process.pid, graceMs }, 'worker did not shut down in time; killing it');
          worker.process.kill('SIGKILL');
        }
        resolve();
      });
    });
    await Promise.race([Promise.all(exited), killed]);
    cancelKill?.();
    await Promise.all(exited);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      startup = { resolve, reject };
      for (let slot = 0; slot < options.workers; slot += 1) fork(slot);
    });
    startup = undefined;
  } catch (error) {
    startup = undefined;
    await stopWorkers();
    throw error;
  }

  let address: AddressInfo;
  try {
    address = await listen(server, options.host, options.port);
  } catch (error) {
    await stopWorkers();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    address,
    workers: () => [...slots.keys()].flatMap((worker) => (worker.process.pid === undefined ? [] : [worker.process.pid])),
    close() {
      closing ??= (async () => {
        // No new connection; the ones already handed over or being relayed finish with their worker.
        const serverClosed = new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
        await stopWorkers();
        // A worker's own shutdown ends the requests the primary relays for it. What may be left (a client
        // that connected and sent nothing, a request relayed to a worker that was killed) has nobody to
        // answer it: it is not waited for long, and is cut when this process exits.
        await new Promise<void>((resolve) => {
          const cancel = clock.setTimer(RELAYED_CLOSE_WAIT_MS, resolve);
          void serverClosed.then(() => {
            cancel();
            resolve();
          });
        });
      })();
      return closing;
    },
  };
}
