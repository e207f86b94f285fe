/**
 * The measured server of one phone bench level, either way it can run:
 * - in this process (the default): `createApplication` on the bench's database handle, logs tapped;
 * - in cluster mode (`--workers N`): this process is the cluster's primary and N workers run the server
 *   (bench-cluster.ts, phone-cluster-worker.ts) on the bench's PostgreSQL database and Redis.
 * Both give the level the same things: the base URL, a window monitor, live memory, each stream's final
 * counters and the server's warnings, and the bridge stamps (`--stages`) in this process's clock.
 */
import { createApplication, type Application } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import type { DatabaseHandle } from '../src/store/database.ts';
import type { TwilioStreamStats } from '../src/transports/twilio/twilio-media-stream.ts';
import { clusterMonitor, startBenchCluster, type MemorySample, type WorkerShare } from './bench-cluster.ts';
import { thisProcessMonitor, type ServerMonitor } from './bench-level.ts';
import { thisProcessMemory } from './bench-process.ts';
import { listenOnLoopback } from './bench-server.ts';
import type { PhoneWorkerStreams } from './phone-cluster-worker.ts';
import { PHONE_BENCH_ENV, ServerLogTap } from './phone-server.ts';
import { ServerStages, type StagesExport } from './phone-stages.ts';

export interface PhoneServer {
  readonly baseUrl: string;
  readonly monitor: ServerMonitor;
  memory(): Promise<MemorySample>;
  /** Waits (up to `timeoutMs`) for every call's final stream counters; returns them and the warnings by message. */
  streams(callIds: readonly string[], timeoutMs: number): Promise<{ readonly streams: ReadonlyMap<string, TwilioStreamStats>; readonly problems: ReadonlyMap<string, number> }>;
  /** The bridge stamps (null without `--stages`). */
  stages(): Promise<ServerStages | null>;
  /** Each worker over the last window; null in-process. */
  workerShares(): readonly WorkerShare[] | null;
  close(): Promise<void>;
}

/** The server in this process, on the bench's database handle. */
export async function inProcessPhoneServer(params: { readonly fakeUrl: string; readonly database: DatabaseHandle; readonly stages: boolean }): Promise<PhoneServer> {
  const tap = new ServerLogTap();
  const stamps = params.stages ? new ServerStages() : null;
  const uninstall = stamps?.install();
  let app: Application | undefined;
  try {
    app = await createApplication(parseConfig({ ...PHONE_BENCH_ENV, OPENAI_BASE_URL: params.fakeUrl }), tap.logger, { database: params.database });
    const baseUrl = await listenOnLoopback(app);
    // Start-up notices (no SMTP, signup open) are about the configuration, not the calls.
    tap.problems.clear();
    const opened = app;
    return {
      baseUrl,
      monitor: thisProcessMonitor(),
      memory: thisProcessMemory,
      async streams(callIds, timeoutMs) {
        await tap.waitForStreams(callIds, timeoutMs);
        return { streams: tap.streams, problems: tap.problems };
      },
      stages: () => Promise.resolve(stamps),
      workerShares: () => null,
      async close() {
        uninstall?.();
        await opened.close();
      },
    };
  } catch (error) {
    uninstall?.();
    await app?.close();
    throw error;
  }
}


/** The server as a cluster of `workers` processes on the bench's PostgreSQL database and Redis. */
export async function clusterPhoneServer(params: {
  readonly fakeUrl: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly workers: number;
  readonly stages: boolean;
}): Promise<PhoneServer> {
  const cluster = await startBenchCluster({
    workers: params.workers,
    workerScript: 'phone-cluster-worker.ts',
    env: {
      ...PHONE_BENCH_ENV,
      OPENAI_BASE_URL: params.fakeUrl,
      DATABASE_URL: params.databaseUrl,
      REDIS_URL: params.redisUrl,
      ...(params.stages ? { PHONE_BENCH_STAGES: '1' } : {}),
    },
  });
  const { monitor, shares } = clusterMonitor(cluster);
  return {
    baseUrl: cluster.baseUrl,
    monitor,
    memory: () => cluster.memory(),
    async streams(callIds, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const parts = (await cluster.collect('streams')).map((part) => part.data as PhoneWorkerStreams);
        const streams = new Map(parts.flatMap((part) => part.streams) as [string, TwilioStreamStats][]);
        if (Date.now() >= deadline || callIds.every((id) => streams.has(id))) {
          const problems = new Map<string, number>();
          for (const part of parts) for (const [message, count] of part.problems) problems.set(message, (problems.get(message) ?? 0) + count);
          return { streams, problems };
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async stages() {
      if (!params.stages) return null;
      const parts = await cluster.collect('stages');
      return ServerStages.merge(parts.flatMap((part) => (part.data === null ? [] : [{ data: part.data as StagesExport, clock: part.clock }])));
    },
    workerShares: shares,
    close: () => cluster.close(),
  };
}
