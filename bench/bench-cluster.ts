/**
 * The measured server of a call benchmark in cluster mode (`--workers N`, docs/cluster.md): this (the
 * bench) process is the cluster's primary, started with the server's own `startClusterPrimary`, and
 * each worker runs the bench's worker script (the server's application, its logs tapped) and answers
 * the bench over IPC (bench-cluster-ipc.ts). Every worker's clock is aligned to this process, and its
 * window stats are summed with this process's (the primary hands connections over; it is part of the
 * server).
 */
import cluster, { type Worker } from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startClusterPrimary } from '../src/cluster/cluster-primary.ts';
import type { BenchWorkerReply } from './bench-cluster-ipc.ts';
import type { ServerMonitor } from './bench-level.ts';
import { alignClock, nextMessage, ProcessMonitor, round, thisProcessMemory, type ClockAlignment, type ProcessStats } from './bench-process.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface MemorySample {
  readonly heapUsed: number;
  readonly external: number;
  readonly rss: number;
}

/** One worker's share of the window: what says whether the load was spread and which loop was busiest. */
export interface WorkerShare {
  readonly percentOfOneCore: number;
  readonly loopDelayP99Ms: number;
  readonly gcMaxMs: number;
}

export interface ClusterWorkerHandle {
  readonly worker: Worker;
  /** Worker clock minus this process's clock. */
  readonly clock: ClockAlignment;
}

export interface BenchCluster {
  readonly baseUrl: string;
  readonly workers: readonly ClusterWorkerHandle[];
  startMonitor(): void;
  /** The window's stats of every server process, summed (`combineStats`), and each worker's. */
  stopMonitor(): Promise<{ readonly combined: ProcessStats; readonly workers: readonly ProcessStats[] }>;
  /** Live memory of every server process after full collections, summed. */
  memory(): Promise<MemorySample>;
  /** Each worker's answer to `collect(part)` (what its worker script's hook returned), with its clock. */
  collect(part: string, timeoutMs?: number): Promise<{ readonly data: unknown; readonly clock: ClockAlignment }[]>;
  close(): Promise<void>;
}

/** The window monitor of a cluster (every process summed) and, once it stopped, each worker's share. */
export function clusterMonitor(cluster: Pick<BenchCluster, 'startMonitor' | 'stopMonitor'>): { readonly monitor: ServerMonitor; readonly shares: () => readonly WorkerShare[] | null } {
  let shares: WorkerShare[] | null = null;
  return {
    monitor: {
      start: () => {
        cluster.startMonitor();
      },
      async stop() {
        const { combined, workers } = await cluster.stopMonitor();
        shares = workers.map((stats) => ({ percentOfOneCore: stats.percentOfOneCore, loopDelayP99Ms: stats.eventLoopDelay.p99Ms, gcMaxMs: stats.gc.maxMs }));
        return combined;
      },
    },
    shares: () => shares,
  };
}

/** Several processes' window stats as one server: CPU and memory summed, delays and pauses the worst of them. */
export function combineStats(all: readonly ProcessStats[]): ProcessStats {
  const first = all[0];
  if (first === undefined) throw new Error('no process stats to combine');
  const total = (of: (s: ProcessStats) => number, digits = 1): number => round(all.reduce((sum, s) => sum + of(s), 0), digits);
  const worst = (of: (s: ProcessStats) => number): number => Math.max(...all.map(of));
  return {
    wallMs: first.wallMs,
    cpuUserMs: total((s) => s.cpuUserMs),
    cpuSystemMs: total((s) => s.cpuSystemMs),
    percentOfOneCore: total((s) => s.percentOfOneCore),
    eventLoopDelay: { p50Ms: worst((s) => s.eventLoopDelay.p50Ms), p99Ms: worst((s) => s.eventLoopDelay.p99Ms), maxMs: worst((s) => s.eventLoopDelay.maxMs) },
    gc: {
      count: total((s) => s.gc.count, 0),
      totalMs: total((s) => s.gc.totalMs),
      maxMs: worst((s) => s.gc.maxMs),
      major: { count: total((s) => s.gc.major.count, 0), totalMs: total((s) => s.gc.major.totalMs), maxMs: worst((s) => s.gc.major.maxMs) },
    },
    rssStartMiB: total((s) => s.rssStartMiB),
    rssPeakMiB: total((s) => s.rssPeakMiB),
    heapUsedPeakMiB: total((s) => s.heapUsedPeakMiB),
    timeline: { stalls: all.flatMap((s) => s.timeline.stalls), gcPauses: all.flatMap((s) => s.timeline.gcPauses) },
  };
}

/**
 * Starts the server as a cluster of `workers` processes on a free port of 127.0.0.1, each running
 * `bench/<workerScript>` with `env` (the server's configuration) on top of this process's environment.
 */
export async function startBenchCluster(params: { readonly workers: number; readonly workerScript: string; readonly env: Readonly<Record<string, string>> }): Promise<BenchCluster> {
  const primary = await startClusterPrimary({
    workers: params.workers,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    exec: join(here, params.workerScript),
    // BENCH_WORKER_FLAGS: Node flags for the workers, to try V8 settings (e.g. `--single-threaded-gc`).
    execArgv: [...(process.env.BENCH_WORKER_FLAGS ?? '').split(' ').filter((flag) => flag !== ''), '--import', 'tsx'],
    env: { ...params.env, WORKERS: String(params.workers) },
  });
  try {
    const workers: ClusterWorkerHandle[] = [];
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker === undefined) continue;
      workers.push({ worker, clock: await alignClock(worker.process) });
    }
    const monitor = new ProcessMonitor();
    const ask = <T extends BenchWorkerReply['type']>(handle: ClusterWorkerHandle, request: object, type: T, timeoutMs = 60_000) => {
      const answer = nextMessage<BenchWorkerReply, T>(handle.worker.process, type, timeoutMs);
      handle.worker.send(request);
      return answer;
    };
    return {
      baseUrl: `http://127.0.0.1:${String(primary.address.port)}`,
      workers,
      startMonitor() {
        monitor.start();
        for (const handle of workers) handle.worker.send({ type: 'monitor-start' });
      },
      async stopMonitor() {
        const own = monitor.stop();
        const each = await Promise.all(workers.map(async (handle) => (await ask(handle, { type: 'monitor-stop' }, 'monitor-stopped')).stats));
        return { combined: combineStats([own, ...each]), workers: each };
      },
      async memory() {
        const own = await thisProcessMemory();
        const each = await Promise.all(workers.map((handle) => ask(handle, { type: 'memory' }, 'memory-sampled')));
        return [own, ...each].reduce((sum, m) => ({ heapUsed: sum.heapUsed + m.heapUsed, external: sum.external + m.external, rss: sum.rss + m.rss }), { heapUsed: 0, external: 0, rss: 0 });
      },
      async collect(part: string, timeoutMs = 60_000) {
        // One part at a time per worker: replies are matched by type, and the part is checked.
        const answers: { data: unknown; clock: ClockAlignment }[] = [];
        for (const handle of workers) {
          const reply = await ask(handle, { type: 'collect', part }, 'collected', timeoutMs);
          if (reply.part !== part) throw new Error(`bench worker answered '${reply.part}' to '${part}'`);
          answers.push({ data: reply.data, clock: handle.clock });
        }
        return answers;
      },
      close: () => primary.close(),
    };
  } catch (error) {
    await primary.close();
    throw error;
  }
}
