/**
 * Relay benchmark: latency the server adds between a Socket.IO caller and the OpenAI Realtime upstream
 * (the fake, src/testing/fake-openai-realtime/), at 1, 10 and 100 concurrent calls.
 *
 * Topology, three processes on one machine:
 * - this process is the server (createApplication, silent logs) and nothing else while measuring;
 * - the fake upstream runs in a child (bench/relay-upstream.ts, `node --import tsx`);
 * - the callers run in another child (bench/relay-client.ts).
 * The database is in-memory PGlite (in this process, like the product's embedded mode) or, with
 * `--database-url`, a scratch database created on that PostgreSQL server and dropped afterwards.
 *
 * Each call streams 20 ms PCM16 24 kHz frames in real time for the level's duration: 1 s tone bursts
 * (speech to the fake's energy VAD) then 2.5 s of silence, which ends the turn; the fake answers each
 * turn with 800 ms of audio paced in real time in 100 ms deltas. A short warm-up level runs first
 * (JIT, database caches) and is not reported.
 *
 * - caller→upstream: each frame's `socket.emit('audio-data')` (caller child) to the fake's receipt of
 *   the `input_audio_buffer.append` that completes that frame's bytes (cumulative bytes per call).
 * - upstream→caller: the fake's send of `response.output_audio.delta` to the caller's receipt of the
 *   `ai-audio-delta` that completes those bytes (cumulative base64 length per call).
 * Clocks: every process stamps `performance.timeOrigin + performance.now()`; each child's offset is
 * estimated over IPC before the level (bench-process.ts) and removed from its stamps.
 *
 * `npx tsx bench/relay.ts [--levels 1,10,100] [--duration-ms 12000] [--database-url postgres://…]
 * [--output <file>|-] [--no-warmup] [--cpu-profile /tmp/relay] [--dump-latencies /tmp/relay] [--wait-quiet-s 600]
 * [--retries-when-busy 4] [--stages] [--simulator-idle] [--workers 2 --redis-url redis://…]` runs it standalone; without `--output`
 * results go to bench/results/relay.json (PGlite) or relay-postgres.json. `--cpu-profile` profiles the
 * server process over each level's streaming window (summarise with bench/cpu-profile-top.ts); with
 * `RELAY_BENCH_HEAP_PROFILE=1` it samples allocations instead (`.heapprofile`).
 * `--wait-quiet-s` waits before each level, up to that long, for 5 s in which the machine is under 0.3
 * cores busy (other jobs skew wall-clock latency); `RELAY_BENCH_WAIT_QUIET_S` does the same under
 * `npm run bench`. Each level records the cores other jobs used while it ran; `--retries-when-busy`
 * (`RELAY_BENCH_RETRIES_WHEN_BUSY`) runs a level again when that exceeded 0.15 cores, keeping the
 * quietest attempt.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DatabaseHandle } from '../src/store/database.ts';
import { openBenchDatabase } from './bench-database.ts';
import {
  busyCoresBeforeLevel,
  forkBenchChild,
  levelLineHead,
  machineLoadOf,
  measureWindow,
  serverPerCallOf,
  type LevelProcesses,
  type MachineLoad,
  type ServerPerCall,
} from './bench-level.ts';
import { callBenchFlags, callBenchOptions, type CallBenchOptions } from './bench-options.ts';
import { alignClock, nextMessage, round, startCpuProfile, startHeapProfile, type ClockAlignment } from './bench-process.ts';
import { benchEnvelope, loadAverageNow, writeCallBenchResult, type BenchEnvelope } from './bench-result.ts';
import { analyseFlows, type RelayFlows } from './relay-analysis.ts';
import type { ChildMessage, ParentMessage } from './relay-client.ts';
import { clusterRelayServer, inProcessRelayServer, type RelayClusterParams, type RelayServer } from './relay-servers.ts';
import type { UpstreamChildMessage } from './relay-upstream.ts';
import type { WorkerShare } from './bench-cluster.ts';
import { splitRelayStages, type RelayStageSplit } from './relay-stages.ts';

const LEVELS = [1, 10, 100] as const;
const DURATION_MS = 12_000;
const WARMUP = { calls: 10, durationMs: 4_000 } as const;
/**
 * Every level streams this long before its measured window: the callers and the fake are fresh
 * processes (cold JIT, first turns of every call), and one period of the speech pattern lets every
 * call have had a turn.
 */
const STREAM_WARMUP_MS = 3_500;
const TARGET_P99_MS = 5;

export interface RelayLevelResult extends RelayFlows {
  readonly concurrentCalls: number;
  readonly streamSeconds: number;
  readonly clocks: { readonly callers: ClockAlignment; readonly upstream: ClockAlignment };
  readonly responses: number;
  readonly protocolErrors: { readonly rejectedByFake: number; readonly fakeErrorEvents: number; readonly clientErrors: number; readonly callsNotEnded: number };
  readonly clientErrorSamples: string[];
  /** Each process over the streaming window (first frame to the end of the last reply's playout). */
  readonly processes: LevelProcesses;
  readonly machine: MachineLoad | null;
  /** Other jobs' cores during each attempt at this level, in order (the kept one has the least). */
  readonly attemptsOtherCores?: number[];
  readonly serverPerCall: ServerPerCall;
  /** In cluster mode (`--workers`), each worker's share of the window; null when the server ran in the bench process. */
  readonly serverWorkers: readonly WorkerShare[] | null;
  /** The latency the server adds itself (`--stages`), null when not measured. */
  readonly stages: RelayStageSplit | null;
  readonly targetMet: boolean;
}

export interface RelayBenchResult extends BenchEnvelope<'relay'> {
  readonly database: 'pglite-memory' | 'postgres';
  /** Server processes: 1 is the server in the bench process; more is cluster mode (server CPU summed over them). */
  readonly workers: number;
  /** Whether the fake upstream and the callers ran under SCHED_IDLE. */
  readonly simulatorIdle: boolean;
  readonly topology: string;
  readonly method: string;
  readonly targetP99Ms: number;
  readonly levels: RelayLevelResult[];
}

/** Default output bench/results/relay.json (relay-postgres.json with a database URL). */
export interface RelayBenchOptions extends CallBenchOptions {
  /** Runs a level again, up to this many times, when other jobs used over 0.15 cores during it; the quietest attempt is kept. */
  readonly retriesWhenBusy?: number;
  /** Writes every matched sample of each level to `<dumpLatencies>-<calls>.json` as `{ up, down }` arrays of `[call, sentAtMs, latencyMs]`. */
  readonly dumpLatencies?: string;
  /** Stamps inside the server for the latency it adds itself, without the simulators' delays (relay-stages.ts). */
  readonly stages?: boolean;
  /** Runs the fake upstream and the callers under SCHED_IDLE (`chrt --idle`), as phone.ts's `--simulator-idle`. */
  readonly simulatorIdle?: boolean;
}

/**
 * The measuring children collect garbage on their own thread only: V8's parallel scavenger would
 * otherwise take both cores for a few milliseconds at every collection of the fake (which keeps a
 * record of every event) and stall the server it is measuring. The server runs with Node's defaults.
 */
const CHILD_EXEC_ARGV = ['--single-threaded-gc', '--import', 'tsx'];

interface LevelParams {
  readonly calls: number;
  readonly durationMs: number;
  readonly database: DatabaseHandle;
  readonly cpuProfile?: string | undefined;
  readonly dumpLatencies?: string | undefined;
  /** Busy cores measured just before the level (see waitForQuietMachine). */
  readonly busyCoresBefore?: number | null;
  /** Cluster mode (`--workers`); null runs the server in this process. */
  readonly cluster?: RelayClusterParams | null;
  readonly stages?: boolean;
  readonly simulatorIdle?: boolean;
}

async function runLevel({ calls, durationMs, database, cpuProfile, dumpLatencies, busyCoresBefore = null, cluster = null, stages = false, simulatorIdle = false }: LevelParams): Promise<RelayLevelResult> {
  const upstream = forkBenchChild('relay-upstream.ts', 'RELAY_BENCH_UPSTREAM', CHILD_EXEC_ARGV, { idle: simulatorIdle });
  let callers: ChildProcess | null = null;
  let server: RelayServer | null = null;
  try {
    const { baseUrl: fakeUrl } = await nextMessage<UpstreamChildMessage, 'ready'>(upstream, 'ready', 60_000);
    server = cluster === null ? await inProcessRelayServer({ fakeUrl, database, stages }) : await clusterRelayServer({ fakeUrl, database, cluster, stages });
    const { baseUrl, token } = server;
    callers = forkBenchChild('relay-client.ts', 'RELAY_BENCH_CLIENT', CHILD_EXEC_ARGV, { idle: simulatorIdle });
    const toCallers = (message: ParentMessage): void => {
      callers?.send(message);
    };
    const clocks = { callers: await alignClock(callers), upstream: await alignClock(upstream) };
    const before = await server.memory();
    const started = nextMessage<ChildMessage, 'started'>(callers, 'started', 120_000);
    toCallers({ type: 'run', baseUrl, token, calls, warmupMs: STREAM_WARMUP_MS, durationMs });
    await started;
    const measuring = nextMessage<ChildMessage, 'measuring'>(callers, 'measuring', STREAM_WARMUP_MS + 60_000);
    const streamed = nextMessage<ChildMessage, 'streamed'>(callers, 'streamed', STREAM_WARMUP_MS + durationMs + 60_000);
    const measureFromMs = (await measuring).fromMs - clocks.callers.offsetMs;
    const startProfile =
      cpuProfile === undefined || cluster !== null
        ? null
        : process.env.RELAY_BENCH_HEAP_PROFILE === '1'
          ? () => startHeapProfile(`${cpuProfile}-${String(calls)}.heapprofile`)
          : () => startCpuProfile(`${cpuProfile}-${String(calls)}.cpuprofile`);
    const { server: serverStats, busyCores } = await measureWindow(upstream, startProfile, streamed, server.monitor);
    const live = await server.memory();
    const done = nextMessage<ChildMessage, 'done'>(callers, 'done', 60_000);
    toCallers({ type: 'hangup' });
    const { calls: results, stats: callerStats } = await done;
    const collected = nextMessage<UpstreamChildMessage, 'collected'>(upstream, 'collected', 60_000);
    upstream.send({ type: 'collect' });
    const fake = await collected;
    const dump: Record<'up' | 'down', [number, number, number][]> = { up: [], down: [] };
    const flows = analyseFlows(results, fake.sessions, { client: clocks.callers, upstream: clocks.upstream, fromMs: measureFromMs }, (direction, call, at, latency) => {
      if (dumpLatencies !== undefined) dump[direction].push([call, round(at), round(latency)]);
    });
    if (dumpLatencies !== undefined) await writeFile(`${dumpLatencies}-${String(calls)}.json`, JSON.stringify(dump));
    const stamps = await server.stages();
    const clientErrors = results.flatMap((r) => r.errors);
    const processes = { server: serverStats, upstream: fake.stats, callers: callerStats };
    return {
      concurrentCalls: calls,
      streamSeconds: durationMs / 1000,
      clocks,
      ...flows,
      responses: fake.responses,
      protocolErrors: { rejectedByFake: flows.rejectedByFake, fakeErrorEvents: fake.errorEvents, clientErrors: clientErrors.length, callsNotEnded: results.filter((r) => !r.ended).length },
      clientErrorSamples: clientErrors.slice(0, 5),
      processes,
      machine: machineLoadOf(busyCores, busyCoresBefore, processes),
      serverPerCall: serverPerCallOf(serverStats, calls, { before, live }),
      serverWorkers: server.workerShares(),
      stages: stamps === null ? null : splitRelayStages(stamps, results, fake.sessions, clocks, measureFromMs),
      // A call that lost its upstream session had a gap: the target is not met, whatever the others measured.
      targetMet: flows.callerToUpstream.p99Ms < TARGET_P99_MS && flows.upstreamToCaller.p99Ms < TARGET_P99_MS && flows.callsWithUpstreamReconnect === 0,
    };
  } finally {
    callers?.kill();
    upstream.kill();
    await server?.close();
  }
}

/** Another job used more than this many cores during a level: the level is run again (see `retriesWhenBusy`). */
const BUSY_OTHER_CORES = 0.15;

/**
 * Runs a level, and again (up to `retriesWhenBusy` times, waiting for a quiet machine before each)
 * while other jobs used the machine during it; keeps the attempt with the least other load and
 * records every attempt's other load.
 */
async function runQuietestLevel(calls: number, durationMs: number, database: DatabaseHandle, options: RelayBenchOptions, cluster: RelayClusterParams | null): Promise<RelayLevelResult> {
  const attempts: RelayLevelResult[] = [];
  const otherCores = (level: RelayLevelResult): number => level.machine?.otherCores ?? 0;
  for (let attempt = 0; attempt <= (options.retriesWhenBusy ?? 0); attempt += 1) {
    const busyCoresBefore = await busyCoresBeforeLevel(options.waitQuietMs);
    const level = await runLevel({ calls, durationMs, database, cpuProfile: options.cpuProfile, dumpLatencies: options.dumpLatencies, busyCoresBefore, cluster, stages: options.stages ?? false, simulatorIdle: options.simulatorIdle ?? false });
    printLevel(level);
    attempts.push(level);
    if (otherCores(level) <= BUSY_OTHER_CORES) break;
  }
  const best = attempts.reduce((a, b) => (otherCores(b) < otherCores(a) ? b : a));
  return { ...best, attemptsOtherCores: attempts.map(otherCores) };
}

const LABELS = { bench: 'relay', up: 'caller→upstream', down: 'upstream→caller', callers: 'callers' } as const;

function printLevel(level: RelayLevelResult): void {
  process.stdout.write(
    levelLineHead(LABELS, level, level.callerToUpstream, level.upstreamToCaller) +
      `lost bytes ${String(level.lostBytes)} | upstream reconnects ${String(level.callsWithUpstreamReconnect)} | errors ${JSON.stringify(level.protocolErrors)}\n`,
  );
  if (level.stages !== null) {
    const stat = (l: { p50Ms: number; p99Ms: number; maxMs: number }): string => `${String(l.p50Ms)}/${String(l.p99Ms)}/${String(l.maxMs)}`;
    process.stdout.write(`      server-added p50/p99/max ms: caller emit→append written ${stat(level.stages.callerToServerWrite)} | upstream send→ai-audio-delta written ${stat(level.stages.upstreamToServerWrite)}\n`);
  }
  if (level.serverWorkers !== null) {
    process.stdout.write(`      workers: ${level.serverWorkers.map((w) => `cpu ${String(w.percentOfOneCore)}% loop p99 ${String(w.loopDelayP99Ms)} ms gc max ${String(w.gcMaxMs)} ms`).join(' | ')}\n`);
  }
}

export async function runRelayBench(options: RelayBenchOptions = {}): Promise<RelayBenchResult> {
  const loadStart = loadAverageNow();
  const durationMs = options.durationMs ?? DURATION_MS;
  const workers = options.workers ?? 1;
  const bench = await openBenchDatabase(options.databaseUrl);
  const cluster = workers > 1 && bench.url !== undefined && options.redisUrl !== undefined ? { workers, databaseUrl: bench.url, redisUrl: options.redisUrl } : null;
  const levels: RelayLevelResult[] = [];
  try {
    if (options.warmup ?? true) await runLevel({ calls: WARMUP.calls, durationMs: WARMUP.durationMs, database: bench.database, cluster });
    for (const calls of options.levels ?? LEVELS) {
      const level = await runQuietestLevel(calls, durationMs, bench.database, options, cluster);
      levels.push(level);
    }
  } finally {
    await bench.close();
  }
  const cpus = os.cpus();
  const result: RelayBenchResult = {
    ...benchEnvelope('relay', loadStart),
    database: bench.kind,
    workers,
    simulatorIdle: options.simulatorIdle ?? false,
    topology:
      (cluster === null
        ? 'three processes on one machine: the server (createApplication, silent logs; in-memory PGlite in-process, or PostgreSQL over TCP) in the bench process; '
        : `the server in cluster mode on one machine: the bench process is the primary (the server's startClusterPrimary: it owns the port and hands each connection to a worker), ${String(workers)} worker processes run the server (bench/relay-cluster-worker.ts: createApplication on PostgreSQL and Redis, silent logs); `) +
      'the fake OpenAI Realtime upstream in a child (bench/relay-upstream.ts); the Socket.IO callers in another child (bench/relay-client.ts). ' +
      `${String(cpus.length)} cores for the three.`,
    method:
      `per call ${String(durationMs / 1000)} s of 20 ms PCM16 24 kHz frames paced in real time (1 s 440 Hz tone bursts, 2.5 s silence; phases staggered across calls); ` +
      'fake replies 800 ms of audio per turn at 1x pacing in 100 ms deltas; a 10-call warm-up level runs first and is not reported. ' +
      'caller→upstream: emit(audio-data) → fake receives the input_audio_buffer.append completing that frame (cumulative bytes). ' +
      'upstream→caller: fake sends response.output_audio.delta → client receives the ai-audio-delta completing it (cumulative base64 length). ' +
      'Clocks: performance.timeOrigin + performance.now() in every process, each child offset estimated from the minimum-RTT IPC ping and subtracted. ' +
      'Process stats (CPU, event-loop delay beyond a 2 ms sampling timer, GC, RSS) over the streaming window in each process; ' +
      'live memory per call from heapUsed/external after a forced full GC, with the calls connected vs. before them.',
    targetP99Ms: TARGET_P99_MS,
    levels,
  };
  await writeCallBenchResult(result, options.output);
  return result;
}

/** The shared flags (bench-options.ts, `RELAY_BENCH_` variables) and `--dump-latencies prefix --retries-when-busy 4`. */
export function relayOptionsFromArgs(args: readonly string[]): RelayBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: { ...callBenchFlags, 'dump-latencies': { type: 'string' }, 'retries-when-busy': { type: 'string' }, stages: { type: 'boolean' }, 'simulator-idle': { type: 'boolean' } },
    strict: true,
  });
  const retries = values['retries-when-busy'] ?? process.env.RELAY_BENCH_RETRIES_WHEN_BUSY;
  return {
    ...callBenchOptions(values, 'RELAY_BENCH'),
    ...(values['dump-latencies'] === undefined ? {} : { dumpLatencies: values['dump-latencies'] }),
    stages: values.stages === true,
    ...(retries === undefined || retries === '' ? {} : { retriesWhenBusy: Number(retries) }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runRelayBench(relayOptionsFromArgs(process.argv.slice(2)));
}
