/**
 * Relay benchmark: latency the server adds between a Socket.IO caller and the OpenAI Realtime upstream
 * (the fake, src/testing/fake-openai-realtime/), at 1, 10 and 100 concurrent calls.
 *
 * Topology: the fake upstream and the server (createApplication on in-memory PGlite) run in this
 * process; the callers run in a child process (bench/relay-client.ts, `node --import tsx`) so that
 * their CPU stays out of the measured process. The fake still shares the server's process, so the
 * CPU and memory figures include the fake's share (JSON parsing, VAD, pacing timers).
 *
 * Each call streams 20 ms PCM16 24 kHz frames in real time for DURATION_MS: 1 s tone bursts (speech
 * to the fake's energy VAD) then 2.5 s of silence, which ends the turn; the fake answers each turn
 * with 800 ms of audio paced in real time in 100 ms deltas.
 *
 * - caller→upstream: each frame's `socket.emit('audio-data')` (child) to the fake's receipt of the
 *   `input_audio_buffer.append` that completes that frame's bytes (cumulative byte count per call).
 * - upstream→caller: the fake's send of `response.output_audio.delta` to the child's receipt of the
 *   `ai-audio-delta` that completes those bytes (cumulative base64 length per call).
 *
 * Clocks: both processes stamp `performance.timeOrigin + performance.now()` (epoch ms, sub-ms); the
 * child's offset is estimated over IPC before each level (the ping with the smallest round trip,
 * offset = child stamp − midpoint of the parent's send and receive), and removed from child stamps.
 *
 * `npx tsx bench/relay.ts` runs it standalone and writes bench/results/relay.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createApplication } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { systemClock } from '../src/core/clock.ts';
import { openDatabase } from '../src/store/database.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../src/testing/fake-openai-realtime/index.ts';
import { FRAME_BYTES, nowMs, type ChildMessage, type ClientCallResult, type ParentMessage } from './relay-client.ts';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUTPUT = join(here, 'results', 'relay.json');
const LEVELS = [1, 10, 100] as const;
const DURATION_MS = 12_000;
const TARGET_P99_MS = 5;

export interface LatencyStats {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface RelayLevelResult {
  readonly concurrentCalls: number;
  readonly streamSeconds: number;
  readonly clockOffsetMs: number;
  readonly clockAlignmentRttMs: number;
  readonly callerToUpstream: LatencyStats;
  readonly upstreamToCaller: LatencyStats;
  readonly framesSent: number;
  readonly framesReceivedAtFake: number;
  readonly bytesSent: number;
  readonly bytesReceivedAtFake: number;
  readonly lostBytes: number;
  readonly upstreamAudioDeltas: number;
  readonly callerAudioDeltas: number;
  readonly responses: number;
  readonly protocolErrors: { readonly rejectedByFake: number; readonly fakeErrorEvents: number; readonly clientErrors: number; readonly callsNotEnded: number };
  readonly clientErrorSamples: string[];
  /** CPU of the server process (server + fake upstream) from all calls started to all calls ended. */
  readonly serverCpu: { readonly userMs: number; readonly systemMs: number; readonly percentOfOneCore: number; readonly msPerCallSecond: number };
  /** Memory growth of the server process from before the calls to the peak while streaming. */
  readonly serverMemory: { readonly rssBeforeMiB: number; readonly rssPeakMiB: number; readonly rssDeltaPerCallKiB: number; readonly heapUsedDeltaPerCallKiB: number };
  /** Event-loop delay of the server process while streaming (perf_hooks, 10 ms resolution). */
  readonly serverEventLoopDelay?: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly targetMet: boolean;
}

export interface RelayBenchResult {
  readonly bench: 'relay';
  readonly date: string;
  readonly machine: { readonly cpuModel: string; readonly cpus: number; readonly totalMemGiB: number; readonly platform: string; readonly release: string };
  readonly node: string;
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
  readonly topology: string;
  readonly method: string;
  readonly targetP99Ms: number;
  readonly levels: RelayLevelResult[];
}

function stats(values: number[]): LatencyStats {
  if (values.length === 0) return { samples: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;
const mib = (bytes: number): number => round(bytes / 2 ** 20, 1);

/** `<N base64 chars elided>` (recordAudioPayloads: false) → N. */
function elidedChars(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const match = /^<(\d+) base64 chars elided>$/.exec(value);
  return match ? Number(match[1]) : value.length;
}

/** For each sender chunk (cumulative size), the receive time of the receiver chunk that completes it. */
function matchCumulative(sendAt: number[], sendSizes: number[], recvAt: number[], recvSizes: number[]): number[] {
  const latencies: number[] = [];
  let sent = 0;
  let received = 0;
  let j = -1;
  for (let k = 0; k < sendAt.length; k += 1) {
    sent += sendSizes[k] ?? 0;
    while (received < sent && j + 1 < recvAt.length) {
      j += 1;
      received += recvSizes[j] ?? 0;
    }
    if (received < sent) break; // never arrived
    latencies.push((recvAt[j] ?? Number.NaN) - (sendAt[k] ?? Number.NaN));
  }
  return latencies;
}

function onMessage<T extends ChildMessage['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', listener);
      reject(new Error(`relay client: no '${type}' within ${String(timeoutMs)} ms`));
    }, timeoutMs);
    const listener = (message: ChildMessage): void => {
      if (message.type === 'failed') {
        clearTimeout(timer);
        child.off('message', listener);
        reject(new Error(`relay client failed: ${message.message}`));
      } else if (message.type === type) {
        clearTimeout(timer);
        child.off('message', listener);
        resolve(message as Extract<ChildMessage, { type: T }>);
      }
    };
    child.on('message', listener);
  });
}

async function alignClock(child: ChildProcess): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: 0, rttMs: Number.POSITIVE_INFINITY };
  for (let id = 0; id < 40; id += 1) {
    const pong = onMessage(child, 'pong', 5_000);
    const sentAt = nowMs();
    child.send({ type: 'ping', id } satisfies ParentMessage);
    const reply = await pong;
    const receivedAt = nowMs();
    const rtt = receivedAt - sentAt;
    if (rtt < best.rttMs) best = { offsetMs: reply.atMs - (sentAt + receivedAt) / 2, rttMs: rtt };
  }
  return { offsetMs: round(best.offsetMs), rttMs: round(best.rttMs) };
}

async function runLevel(calls: number): Promise<RelayLevelResult> {
  const fake: FakeRealtimeServer = await startFakeOpenAIRealtime({
    pacing: { speedFactor: 1 },
    recordAudioPayloads: false,
    clock: { nowMs, setTimer: (delayMs, fn) => systemClock.setTimer(delayMs, fn) },
    defaultReply: () => ({ type: 'message', text: 'Sure, tell me more about that.', audioMs: 800 }),
  });
  const database = await openDatabase({ kind: 'pglite-memory' });
  await database.migrate();
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: fake.baseUrl });
  const app = await createApplication(config, pino({ level: 'silent' }), { database });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${String((app.http.server.address() as AddressInfo).port)}`;
  const child = fork(join(here, 'relay-client.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, RELAY_BENCH_CLIENT: '1' } });
  try {
    const clock = await alignClock(child);
    globalThis.gc?.();
    const memBefore = process.memoryUsage();
    const started = onMessage(child, 'started', 60_000);
    const done = onMessage(child, 'done', DURATION_MS + 60_000);
    child.send({ type: 'run', baseUrl, calls, durationMs: DURATION_MS } satisfies ParentMessage);
    await started;
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuStart = process.cpuUsage();
    const wallStart = nowMs();
    let rssPeak = process.memoryUsage().rss;
    let heapPeak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 250);
    const { calls: results } = await done;
    clearInterval(sampler);
    loopDelay.disable();
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = nowMs() - wallStart;
    const eventLoopDelay = { p50Ms: round(loopDelay.percentile(50) / 1e6), p99Ms: round(loopDelay.percentile(99) / 1e6), maxMs: round(loopDelay.max / 1e6) };
    return { ...analyse(calls, fake, results, clock, { cpu, wallMs, memBefore, rssPeak, heapPeak }), serverEventLoopDelay: eventLoopDelay };
  } finally {
    child.kill();
    await app.close();
    await database.close();
    await fake.close();
  }
}

function analyse(
  calls: number,
  fake: FakeRealtimeServer,
  results: ClientCallResult[],
  clock: { offsetMs: number; rttMs: number },
  usage: { cpu: NodeJS.CpuUsage; wallMs: number; memBefore: NodeJS.MemoryUsage; rssPeak: number; heapPeak: number },
): RelayLevelResult {
  const sessions = fake.sessions;
  if (sessions.length !== results.length) throw new Error(`expected ${String(results.length)} upstream sessions, the fake saw ${String(sessions.length)}`);
  const up: number[] = [];
  const down: number[] = [];
  let framesSent = 0;
  let framesAtFake = 0;
  let bytesAtFake = 0;
  let rejected = 0;
  let upstreamDeltas = 0;
  let callerDeltas = 0;
  const serverEventsBySession = new Map<string, { at: number[]; chars: number[] }>();
  let fakeErrorEvents = 0;
  let responses = 0;
  for (const observed of fake.events) {
    if (observed.direction !== 'server') continue;
    if (observed.event.type === 'error') fakeErrorEvents += 1;
    if (observed.event.type === 'response.done') responses += 1;
    if (observed.event.type !== 'response.output_audio.delta') continue;
    let entry = serverEventsBySession.get(observed.sessionId);
    if (!entry) serverEventsBySession.set(observed.sessionId, (entry = { at: [], chars: [] }));
    entry.at.push(observed.atMs);
    entry.chars.push(elidedChars(observed.event.delta));
  }
  results.forEach((result, i) => {
    const session = sessions[i];
    if (!session) return;
    const toParent = (t: number): number => t - clock.offsetMs;
    const sendAt = result.frameSentAtMs.map(toParent);
    framesSent += sendAt.length;
    const appendAt: number[] = [];
    const appendBytes: number[] = [];
    for (const record of session.clientEvents) {
      if (record.error !== null) rejected += 1;
      const raw = record.raw as { type?: unknown; audio?: unknown } | null;
      if (raw?.type !== 'input_audio_buffer.append') continue;
      appendAt.push(record.atMs);
      appendBytes.push((elidedChars(raw.audio) * 3) / 4);
    }
    framesAtFake += appendAt.length;
    bytesAtFake += session.audio.bytesReceived;
    up.push(...matchCumulative(sendAt, sendAt.map(() => FRAME_BYTES), appendAt, appendBytes));
    const upstream = serverEventsBySession.get(session.id) ?? { at: [], chars: [] };
    upstreamDeltas += upstream.at.length;
    callerDeltas += result.audioReceivedAtMs.length;
    down.push(...matchCumulative(upstream.at, upstream.chars, result.audioReceivedAtMs.map(toParent), result.audioReceivedB64Chars));
  });
  const callerToUpstream = stats(up);
  const upstreamToCaller = stats(down);
  const clientErrors = results.flatMap((r) => r.errors);
  const cpuMs = (usage.cpu.user + usage.cpu.system) / 1000;
  return {
    concurrentCalls: calls,
    streamSeconds: DURATION_MS / 1000,
    clockOffsetMs: clock.offsetMs,
    clockAlignmentRttMs: clock.rttMs,
    callerToUpstream,
    upstreamToCaller,
    framesSent,
    framesReceivedAtFake: framesAtFake,
    bytesSent: framesSent * FRAME_BYTES,
    bytesReceivedAtFake: bytesAtFake,
    lostBytes: framesSent * FRAME_BYTES - bytesAtFake,
    upstreamAudioDeltas: upstreamDeltas,
    callerAudioDeltas: callerDeltas,
    responses,
    protocolErrors: { rejectedByFake: rejected, fakeErrorEvents, clientErrors: clientErrors.length, callsNotEnded: results.filter((r) => !r.ended).length },
    clientErrorSamples: clientErrors.slice(0, 5),
    serverCpu: {
      userMs: round(usage.cpu.user / 1000, 1),
      systemMs: round(usage.cpu.system / 1000, 1),
      percentOfOneCore: round((100 * cpuMs) / usage.wallMs, 1),
      msPerCallSecond: round(cpuMs / ((calls * usage.wallMs) / 1000), 3),
    },
    serverMemory: {
      rssBeforeMiB: mib(usage.memBefore.rss),
      rssPeakMiB: mib(usage.rssPeak),
      rssDeltaPerCallKiB: round((usage.rssPeak - usage.memBefore.rss) / 1024 / calls, 1),
      heapUsedDeltaPerCallKiB: round((usage.heapPeak - usage.memBefore.heapUsed) / 1024 / calls, 1),
    },
    targetMet: callerToUpstream.p99Ms < TARGET_P99_MS && upstreamToCaller.p99Ms < TARGET_P99_MS,
  };
}

export async function runRelayBench(options: { output?: string | null; levels?: readonly number[] } = {}): Promise<RelayBenchResult> {
  const loadStart = os.loadavg().map((v) => round(v, 2));
  const levels: RelayLevelResult[] = [];
  for (const calls of options.levels ?? LEVELS) {
    const level = await runLevel(calls);
    levels.push(level);
    const u = level.callerToUpstream;
    const d = level.upstreamToCaller;
    process.stdout.write(
      `relay ${String(calls).padStart(3)} calls: caller→upstream p50 ${String(u.p50Ms)} p99 ${String(u.p99Ms)} max ${String(u.maxMs)} ms | ` +
        `upstream→caller p50 ${String(d.p50Ms)} p99 ${String(d.p99Ms)} max ${String(d.maxMs)} ms | cpu ${String(level.serverCpu.percentOfOneCore)}% | loop delay p99 ${String(level.serverEventLoopDelay?.p99Ms)} ms | ` +
        `lost bytes ${String(level.lostBytes)} | errors ${JSON.stringify(level.protocolErrors)}\n`,
    );
  }
  const cpus = os.cpus();
  const result: RelayBenchResult = {
    bench: 'relay',
    date: new Date().toISOString(),
    machine: { cpuModel: cpus[0]?.model ?? 'unknown', cpus: cpus.length, totalMemGiB: round(os.totalmem() / 2 ** 30, 1), platform: os.platform(), release: os.release() },
    node: process.version,
    loadAverage: { start: loadStart, end: os.loadavg().map((v) => round(v, 2)) },
    topology:
      'server (createApplication, in-memory PGlite, silent logs) and the fake OpenAI Realtime upstream in one process; the Socket.IO callers in a child process (node --import tsx bench/relay-client.ts) on the same machine',
    method:
      `per call ${String(DURATION_MS / 1000)} s of 20 ms PCM16 24 kHz frames paced in real time (1 s 440 Hz tone bursts, 2.5 s silence; phases staggered across calls); ` +
      'fake replies 800 ms of audio per turn at 1x pacing in 100 ms deltas. caller→upstream: emit(audio-data) → fake receives the input_audio_buffer.append completing that frame (cumulative bytes). ' +
      'upstream→caller: fake sends response.output_audio.delta → client receives the ai-audio-delta completing it (cumulative base64 length). ' +
      'Clocks: performance.timeOrigin + performance.now() in both processes, child offset estimated from the minimum-RTT IPC ping and subtracted. ' +
      'CPU/memory: process.cpuUsage / memoryUsage of the server process (includes the fake upstream) from all calls started to all calls ended.',
    targetP99Ms: TARGET_P99_MS,
    levels,
  };
  const output = options.output === undefined ? DEFAULT_OUTPUT : options.output;
  if (output !== null) {
    await mkdir(dirname(output), { recursive: true });
    const temporary = `${output}.tmp`;
    await writeFile(temporary, `${JSON.stringify(result, null, 2)}\n`);
    await rename(temporary, output);
  }
  return result;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runRelayBench();
}
