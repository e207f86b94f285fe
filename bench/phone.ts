/**
 * Phone benchmark: N concurrent simulated Twilio phone calls (1, 10, 100, 300) through the whole
 * server to the fake OpenAI Realtime upstream, and what the server adds to each direction.
 *
 * Topology, three processes on one machine (as bench/relay.ts):
 * - this process is the server (createApplication; logs tapped, never written; in-memory PGlite in
 *   process, or with `--database-url` a scratch PostgreSQL database dropped afterwards);
 * - the fake upstream runs in a child (bench/phone-upstream.ts);
 * - the phones (Twilio's side) run in another child (bench/phone-client.ts).
 *
 * Set-up, once: a tenant with one shared agent and one `realtime` phone number per call, through the
 * API. Each call: a signed `POST /twilio/voice` for its number → TwiML `<Connect><Stream>` → the fake
 * Twilio media client opens the stream (signed upgrade, the TwiML's `callId`/`streamToken`) and sends
 * a numbered 20 ms μ-law frame every 20 ms (phone-frames.ts): line silence while calls are set up, then,
 * in the measured window, 1 s tone bursts (the fake's VAD hears speech) and 2.5 s silences; the fake answers each turn with 800 ms of μ-law at real-time pace (100 ms deltas), passed through the
 * server untouched; the phone plays it in real time and echoes each mark once its audio has played.
 * When every call streams, a measured window opens: `durationMs` of conversation, then 2.5 s of
 * line silence for the last replies. A 10-call warm-up level runs first and is not reported.
 *
 * - phone→upstream: each `media` send (phone child) to the fake's receipt of the
 *   `input_audio_buffer.append` that completes that frame (found by its number);
 * - upstream→phone (the outbound relay): the fake's send of the `response.output_audio.delta` holding a
 *   reply frame to the phone's receipt of that frame's `media` (the fake's replies are numbered too).
 * Both over frames/deltas sent in the window; clocks aligned over IPC (bench-process.ts).
 *
 * `npx tsx bench/phone.ts [--levels 1,10,100,300] [--duration-ms 12000] [--database-url postgres://…]
 * [--output <file>|-] [--no-warmup] [--cpu-profile /tmp/phone] [--wait-quiet-s 600] [--stages] [--simulator-nice 10] [--simulator-idle] [--workers 2 --redis-url redis://…]`; `npm run bench -- phone`
 * takes PHONE_BENCH_DATABASE_URL, PHONE_BENCH_WAIT_QUIET_S, PHONE_BENCH_WORKERS and PHONE_BENCH_REDIS_URL. `--workers N` runs the server in cluster mode
 * (docs/cluster.md): this process is the primary and N workers serve the calls (phone-servers.ts). Results: bench/results/phone.json
 * (phone-postgres.json with a database URL). `BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p"` passes
 * Node flags to the two simulator children (they are then let exit on their own, so a profile gets written).
 */
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createApplication } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import type { DatabaseHandle } from '../src/store/database.ts';
import { openBenchDatabase } from './bench-database.ts';
import { busyCoresBeforeLevel, forkBenchChild, measureWindow } from './bench-level.ts';
import { callBenchFlags, callBenchOptions, type CallBenchOptions } from './bench-options.ts';
import { alignClock, nextMessage, startCpuProfile } from './bench-process.ts';
import { benchEnvelope, loadAverageNow, writeCallBenchResult, type BenchEnvelope } from './bench-result.ts';
import { analysePhoneFlows, sessionsByCall } from './phone-analysis.ts';
import type { PhoneChildMessage, PhoneParentMessage } from './phone-client.ts';
import { levelResult, printLevel, type PhoneLevelResult } from './phone-report.ts';
import { PHONE_BENCH_ENV, ServerLogTap, setUpPhoneNumbers, waitForCallsOver } from './phone-server.ts';
import { clusterPhoneServer, inProcessPhoneServer, type PhoneServer } from './phone-servers.ts';
import { splitStages } from './phone-stages.ts';
import type { PhoneUpstreamChildMessage } from './phone-upstream.ts';

const LEVELS = [1, 10, 100, 300] as const;
const DURATION_MS = 12_000;
const WARMUP = { calls: 10, durationMs: 4_000 } as const;
/** Calls set up at once (webhook + stream upgrade); Twilio itself starts calls as they ring. */
const SETUP_CONCURRENCY = 10;
export const TARGET_P99_MS = 5;

export interface PhoneBenchResult extends BenchEnvelope<'phone'> {
  readonly database: 'pglite-memory' | 'postgres';
  /** `nice` of the two simulator processes (0: same priority as the server). */
  readonly simulatorNice: number;
  /** Whether the simulators ran under SCHED_IDLE. */
  readonly simulatorIdle: boolean;
  /** Server processes: 1 is the server in the bench process; more is cluster mode (server CPU summed over them). */
  readonly workers: number;
  readonly topology: string;
  readonly method: string;
  readonly targetP99Ms: number;
  readonly levels: PhoneLevelResult[];
}

/** Default output bench/results/phone.json (phone-postgres.json with a database URL). */
export interface PhoneBenchOptions extends CallBenchOptions {
  /** Stamps inside the server to split each direction's latency in two (phone-stages.ts). */
  readonly stages?: boolean;
  /**
   * Runs the two simulators at this `nice` (0–19): they stand in for Twilio and OpenAI, which are other
   * machines in production, so a positive value leaves the server the CPU first. Default 0.
   */
  readonly simulatorNice?: number;
  /**
   * Runs the two simulators under SCHED_IDLE (`chrt --idle`): they get a core only when no server process
   * wants one, as if they were other machines. The server's own latency (`--stages`) is then measured
   * with nothing of the bench's in its way; the simulators' own delays (end-to-end figures) grow.
   */
  readonly simulatorIdle?: boolean;
}

function forkChild(file: string, flag: string, nice: number, idle: boolean): ChildProcess {
  const childFlags = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter((value) => value !== '');
  return forkBenchChild(file, flag, ['--import', 'tsx', ...childFlags], { nice, idle });
}

/** Cluster mode: the server's worker count, and the PostgreSQL database and Redis its workers share. */
interface ClusterParams {
  readonly workers: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
}

interface LevelParams {
  readonly calls: number;
  readonly durationMs: number;
  readonly database: DatabaseHandle;
  readonly numbers: readonly string[];
  readonly cpuProfile?: string | undefined;
  readonly busyCoresBefore?: number | null;
  readonly stages?: boolean;
  readonly simulatorNice?: number;
  readonly simulatorIdle?: boolean;
  readonly cluster?: ClusterParams | null;
}

async function runLevel({ calls, durationMs, database, numbers, cpuProfile, busyCoresBefore = null, stages = false, simulatorNice = 0, simulatorIdle = false, cluster = null }: LevelParams): Promise<PhoneLevelResult> {
  const upstream = forkChild('phone-upstream.ts', 'PHONE_BENCH_UPSTREAM', simulatorNice, simulatorIdle);
  let callers: ChildProcess | null = null;
  let server: PhoneServer | null = null;
  try {
    const { baseUrl: fakeUrl } = await nextMessage<PhoneUpstreamChildMessage, 'ready'>(upstream, 'ready', 60_000);
    server = cluster === null ? await inProcessPhoneServer({ fakeUrl, database, stages }) : await clusterPhoneServer({ fakeUrl, ...cluster, stages });
    const { baseUrl } = server;
    callers = forkChild('phone-client.ts', 'PHONE_BENCH_CLIENT', simulatorNice, simulatorIdle);
    const toCallers = (message: PhoneParentMessage): void => {
      callers?.send(message);
    };
    const clocks = { callers: await alignClock(callers), upstream: await alignClock(upstream) };
    const before = await server.memory();
    const started = nextMessage<PhoneChildMessage, 'started'>(callers, 'started', 60_000 + calls * 1_000);
    toCallers({ type: 'run', baseUrl, numbers: numbers.slice(0, calls), durationMs, setupConcurrency: SETUP_CONCURRENCY });
    const { callIds, windowStartAtMs, setupMs } = await started;
    const streamed = nextMessage<PhoneChildMessage, 'streamed'>(callers, 'streamed', durationMs + 60_000);
    const startProfile = cpuProfile === undefined || cluster !== null ? null : () => startCpuProfile(`${cpuProfile}-${String(calls)}.cpuprofile`);
    const {
      ended: { windowEndAtMs },
      server: serverStats,
      busyCores,
    } = await measureWindow(upstream, startProfile, streamed, server.monitor);
    const live = await server.memory();
    const done = nextMessage<PhoneChildMessage, 'done'>(callers, 'done', 60_000);
    toCallers({ type: 'hangup' });
    const { calls: results, stats: callerStats } = await done;
    const { streams, problems } = await server.streams(callIds, 20_000);
    const over = await waitForCallsOver(database, callIds, 20_000);
    const collected = nextMessage<PhoneUpstreamChildMessage, 'collected'>(upstream, 'collected', 60_000);
    upstream.send({ type: 'collect' });
    const fake = await collected;
    const window = { fromMs: windowStartAtMs, toMs: windowEndAtMs };
    const flows = analysePhoneFlows(results, fake.sessions, clocks, window);
    const stamps = await server.stages();
    const level = levelResult({
      calls,
      durationMs,
      setupMs,
      clocks,
      flows,
      results,
      sessions: fake.sessions,
      streams,
      problems,
      over,
      processes: { server: serverStats, upstream: fake.stats, callers: callerStats },
      busyCores,
      busyCoresBefore,
      memory: { before, live },
      targetP99Ms: TARGET_P99_MS,
      stages: stamps === null ? null : splitStages(stamps, results, sessionsByCall(fake.sessions), clocks, window),
    });
    return { ...level, serverWorkers: server.workerShares() };
  } finally {
    if (process.env.BENCH_CHILD_FLAGS !== undefined) {
      callers?.disconnect();
      upstream.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    callers?.kill();
    upstream.kill();
    await server?.close();
  }
}

/** A tenant with one agent and number per call of the largest level, made once through a short-lived server. */
async function setUp(database: DatabaseHandle, count: number): Promise<string[]> {
  const app = await createApplication(parseConfig({ ...PHONE_BENCH_ENV, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }), new ServerLogTap().logger, { database });
  try {
    return await setUpPhoneNumbers(app, count);
  } finally {
    await app.close();
  }
}

export async function runPhoneBench(options: PhoneBenchOptions = {}): Promise<PhoneBenchResult> {
  const loadStart = loadAverageNow();
  const durationMs = options.durationMs ?? DURATION_MS;
  const levelsToRun = options.levels ?? LEVELS;
  const workers = options.workers ?? 1;
  const bench = await openBenchDatabase(options.databaseUrl);
  const cluster = workers > 1 && bench.url !== undefined && options.redisUrl !== undefined ? { workers, databaseUrl: bench.url, redisUrl: options.redisUrl } : null;
  const levels: PhoneLevelResult[] = [];
  try {
    const numbers = await setUp(bench.database, Math.max(WARMUP.calls, ...levelsToRun));
    if (options.warmup ?? true) await runLevel({ calls: WARMUP.calls, durationMs: WARMUP.durationMs, database: bench.database, numbers, cluster });
    for (const calls of levelsToRun) {
      const busyCoresBefore = await busyCoresBeforeLevel(options.waitQuietMs);
      const level = await runLevel({ calls, durationMs, database: bench.database, numbers, cpuProfile: options.cpuProfile, busyCoresBefore, stages: options.stages ?? false, simulatorNice: options.simulatorNice ?? 0, simulatorIdle: options.simulatorIdle ?? false, cluster });
      levels.push(level);
      printLevel(level);
    }
  } finally {
    await bench.close();
  }
  const cpus = os.cpus();
  const result: PhoneBenchResult = {
    ...benchEnvelope('phone', loadStart),
    database: bench.kind,
    simulatorNice: options.simulatorNice ?? 0,
    simulatorIdle: options.simulatorIdle ?? false,
    workers,
    topology:
      (cluster === null
        ? 'three processes on one machine: the server (createApplication, logs tapped and never written; in-memory PGlite in-process, or PostgreSQL over TCP) in the bench process; '
        : `the server in cluster mode on one machine: the bench process is the primary (the server's startClusterPrimary: it owns the port and hands each connection to a worker), ${String(workers)} worker processes run the server (bench/phone-cluster-worker.ts: createApplication on PostgreSQL and Redis, logs tapped) and answer the bench over IPC; `) +
      'the fake OpenAI Realtime upstream in a child (bench/phone-upstream.ts); the simulated phones, i.e. Twilio (signed webhooks, fake media streams), in another child (bench/phone-client.ts). ' +
      `${String(cpus.length)} cores for the three.`,
    method:
      'per call: signed POST /twilio/voice for its own realtime number (TWILIO_AUTH_TOKEN set), TwiML parsed, signed media upgrade with the TwiML parameters, ' +
      `then one 160-byte μ-law frame every 20 ms (drift-corrected) until the hang-up, line silence while calls are set up (${String(SETUP_CONCURRENCY)} at a time). ` +
      `Measured window: from 1 s after the last stream opened, ${String(durationMs / 1000)} s of 1 s 440 Hz tone bursts and 2.5 s silences (phases staggered), then 2.5 s of silence for the last replies. ` +
      'The fake answers each turn with 800 ms of audio/pcmu at 1x pacing in 100 ms deltas; the phone plays it in real time and echoes each mark after its audio played. ' +
      'phone→upstream: media sent → fake receives the input_audio_buffer.append completing that frame (by frame number). ' +
      'upstream→phone: fake sends the response.output_audio.delta holding a reply frame → phone receives that frame (by frame number: replies are numbered too). ' +
      'Every phone frame carries its number in its first 5 bytes (inaudible μ-law, phone-frames.ts): loss and phone→upstream latency are per frame, whatever the server dropped or padded. ' +
      'Latency over frames sent in the window; a reply frame that never reached the phone counts as cut by a barge-in when a clear reached the phone after it was sent and before the next reply, otherwise as lost. ' +
      'Clocks: performance.timeOrigin + performance.now() in every process, child offsets from the minimum-RTT IPC ping. ' +
      'Process stats over the window; live memory per call from heapUsed/external after a forced full GC, and RSS, with the calls connected vs. before them. A 10-call warm-up level runs first.',
    targetP99Ms: TARGET_P99_MS,
    levels,
  };
  await writeCallBenchResult(result, options.output);
  return result;
}

/** The shared flags (bench-options.ts, `PHONE_BENCH_` variables) and `--stages --simulator-nice 10`. */
export function phoneOptionsFromArgs(args: readonly string[]): PhoneBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: { ...callBenchFlags, stages: { type: 'boolean' }, 'simulator-nice': { type: 'string' }, 'simulator-idle': { type: 'boolean' } },
    strict: true,
  });
  const nice = values['simulator-nice'] === undefined ? undefined : Number(values['simulator-nice']);
  if (nice !== undefined && !(Number.isInteger(nice) && nice >= 0 && nice <= 19)) throw new Error(`--simulator-nice takes an integer from 0 to 19, not ${String(values['simulator-nice'])}`);
  return {
    ...callBenchOptions(values, 'PHONE_BENCH'),
    stages: values.stages === true,
    simulatorIdle: values['simulator-idle'] === true,
    ...(nice === undefined ? {} : { simulatorNice: nice }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runPhoneBench(phoneOptionsFromArgs(process.argv.slice(2)));
}
