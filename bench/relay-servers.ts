/**
 * The measured server of one relay bench level, either way it can run: in this process (the default:
 * `createApplication` on the bench's database handle, silent logs), or in cluster mode (`--workers N`:
 * this process is the primary, N workers serve the calls; bench-cluster.ts, relay-cluster-worker.ts).
 * Either way the callers act as one admin of a fresh tenant (a bearer token on the REST call and in the
 * Socket.IO handshake), created through the API before the level.
 */
import { pino } from 'pino';
import { createApplication, type Application } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import type { DatabaseHandle } from '../src/store/database.ts';
import { createTestUser } from '../src/testing/test-application.ts';
import { clusterMonitor, startBenchCluster, type MemorySample, type WorkerShare } from './bench-cluster.ts';
import { thisProcessMonitor, type ServerMonitor } from './bench-level.ts';
import { thisProcessMemory } from './bench-process.ts';
import { callBenchServerEnv, listenOnLoopback } from './bench-server.ts';
import { RelayStages, type RelayStagesExport } from './relay-stages.ts';

export interface RelayServer {
  readonly baseUrl: string;
  /** The transport stamps (`--stages`) in this process's clock; null without them. */
  stages(): Promise<RelayStages | null>;
  /** The callers' bearer token. */
  readonly token: string;
  readonly monitor: ServerMonitor;
  memory(): Promise<MemorySample>;
  /** Each worker over the last window; null in-process. */
  workerShares(): readonly WorkerShare[] | null;
  close(): Promise<void>;
}

/** Cluster mode: the worker count and the PostgreSQL database and Redis the workers share. */
export interface RelayClusterParams {
  readonly workers: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
}

export async function inProcessRelayServer(params: { readonly fakeUrl: string; readonly database: DatabaseHandle; readonly stages: boolean }): Promise<RelayServer> {
  const stamps = params.stages ? new RelayStages() : null;
  const uninstall = stamps?.install();
  let app: Application | undefined;
  try {
    app = await createApplication(parseConfig({ ...callBenchServerEnv('relay'), OPENAI_BASE_URL: params.fakeUrl }), pino({ level: 'silent' }), { database: params.database });
    const opened = app;
    const { accessToken: token } = await createTestUser(opened);
    const baseUrl = await listenOnLoopback(opened);
    return {
      baseUrl,
      token,
      monitor: thisProcessMonitor(),
      memory: thisProcessMemory,
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

export async function clusterRelayServer(params: { readonly fakeUrl: string; readonly database: DatabaseHandle; readonly cluster: RelayClusterParams; readonly stages: boolean }): Promise<RelayServer> {
  const env = { ...callBenchServerEnv('relay'), OPENAI_BASE_URL: params.fakeUrl };
  // The tenant and its admin, through the API of a short-lived server on the same database.
  const setup = await createApplication(parseConfig(env), pino({ level: 'silent' }), { database: params.database });
  let token: string;
  try {
    token = (await createTestUser(setup)).accessToken;
  } finally {
    await setup.close();
  }
  const cluster = await startBenchCluster({
    workers: params.cluster.workers,
    workerScript: 'relay-cluster-worker.ts',
    env: { ...env, DATABASE_URL: params.cluster.databaseUrl, REDIS_URL: params.cluster.redisUrl, ...(params.stages ? { RELAY_BENCH_STAGES: '1' } : {}) },
  });
  const { monitor, shares } = clusterMonitor(cluster);
  return {
    baseUrl: cluster.baseUrl,
    token,
    monitor,
    memory: () => cluster.memory(),
    async stages() {
      if (!params.stages) return null;
      const parts = await cluster.collect('stages');
      return RelayStages.merge(parts.flatMap((part) => (part.data === null ? [] : [{ data: part.data as RelayStagesExport, clock: part.clock }])));
    },
    workerShares: shares,
    close: () => cluster.close(),
  };
}
