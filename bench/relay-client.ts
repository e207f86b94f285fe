/**
 * Client half of bench/relay.ts, run in a child process (`node --import tsx bench/relay-client.ts`,
 * `RELAY_BENCH_CLIENT=1`; IPC in caller-child.ts):
 *
 * - `{ type: 'run', baseUrl, token, calls, warmupMs, durationMs }` (token: a bearer access token) →
 *   `{ type: 'started', callIds }` once every call has `call-started` (started one after another, so
 *   the fake's n-th session is the n-th call); then it streams for `warmupMs` (every process of the
 *   benchmark is fresh: JIT, first turns), sends `{ type: 'measuring', fromMs }` and streams for
 *   `durationMs` more, waits `PLAYOUT_MS` for the last replies and sends `{ type: 'streamed' }`;
 * - `{ type: 'hangup' }` → ends every call and answers `{ type: 'done', calls, stats }`, with this
 *   process's own CPU, event-loop delay and GC over the streaming window (a busy client would add to
 *   the measured upstream→caller latency, since it stamps receipts in its event loop).
 *
 * All timestamps are epoch milliseconds with sub-millisecond resolution: `performance.timeOrigin + performance.now()`.
 */
import { io, type Socket } from 'socket.io-client';
import { nowMs, ProcessMonitor, type ProcessStats } from './bench-process.ts';
import { BURST_MS, PERIOD_MS, PLAYOUT_MS, serveCallers, streamedThenHangUp } from './caller-child.ts';

export interface ClientCallResult {
  readonly callId: string;
  /** Send time of each 20 ms frame (960 bytes), in order. */
  readonly frameSentAtMs: number[];
  /** Receive time and base64 length of each `ai-audio-delta`, in order. */
  readonly audioReceivedAtMs: number[];
  readonly audioReceivedB64Chars: number[];
  readonly errors: string[];
  readonly ended: boolean;
}

export type ParentMessage =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'run'; readonly baseUrl: string; readonly token: string; readonly calls: number; readonly warmupMs: number; readonly durationMs: number }
  | { readonly type: 'hangup' };

export type ChildMessage =
  | { readonly type: 'pong'; readonly id: number; readonly atMs: number }
  | { readonly type: 'started'; readonly callIds: string[] }
  | { readonly type: 'measuring'; readonly fromMs: number }
  | { readonly type: 'streamed' }
  | { readonly type: 'done'; readonly calls: ClientCallResult[]; readonly stats: ProcessStats }
  | { readonly type: 'failed'; readonly message: string };

export const FRAME_SAMPLES = 480;
export const FRAME_BYTES = FRAME_SAMPLES * 2;

const tone = (() => {
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i += 1) frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24_000));
  return Buffer.from(frame.buffer);
})();
const silence = Buffer.alloc(FRAME_BYTES);

function send(message: ChildMessage): void {
  process.send?.(message);
}

function waitFor<T>(socket: Socket, event: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

interface LiveCall {
  readonly socket: Socket;
  readonly result: ClientCallResult;
}

async function startCall(baseUrl: string, token: string, index: number): Promise<LiveCall> {
  const response = await fetch(`${baseUrl}/api/calls/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ userId: `bench-relay-${String(index)}` }),
  });
  const body = (await response.json()) as { callId?: string };
  if (!response.ok || body.callId === undefined) throw new Error(`POST /api/calls/start answered ${String(response.status)}: ${JSON.stringify(body)}`);
  const { callId } = body;
  const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, auth: { token } });
  const result: ClientCallResult = { callId, frameSentAtMs: [], audioReceivedAtMs: [], audioReceivedB64Chars: [], errors: [], ended: false };
  socket.on('ai-audio-delta', (payload: { audio: string }) => {
    result.audioReceivedAtMs.push(nowMs());
    result.audioReceivedB64Chars.push(payload.audio.length);
  });
  socket.on('error', (payload: unknown) => {
    result.errors.push(JSON.stringify(payload));
  });
  socket.on('connect_error', (error: Error) => {
    result.errors.push(`connect_error: ${error.message}`);
  });
  const started = waitFor<{ callId: string }>(socket, 'call-started');
  socket.emit('start-call', { callId, inputSampleRate: 24_000, outputSampleRate: 24_000 });
  try {
    await started;
  } catch (error) {
    throw new Error(`call ${String(index)}: ${String(error)}; errors: ${result.errors.join('; ')}`, { cause: error });
  }
  return { socket, result };
}

/** Streams 20 ms frames in real time (drift-corrected) with the burst pattern shifted by `phaseMs`. */
async function stream(call: LiveCall, startAtMs: number, durationMs: number, phaseMs: number): Promise<void> {
  const frames = Math.floor(durationMs / 20);
  for (let k = 0; k < frames; k += 1) {
    const due = startAtMs + k * 20;
    const wait = due - nowMs();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const position = (k * 20 + phaseMs) % PERIOD_MS;
    const frame = position < BURST_MS ? tone : silence;
    call.result.frameSentAtMs.push(nowMs());
    call.socket.emit('audio-data', frame);
  }
}

async function run(baseUrl: string, token: string, count: number, warmupMs: number, durationMs: number): Promise<void> {
  const calls: LiveCall[] = [];
  for (let i = 0; i < count; i += 1) calls.push(await startCall(baseUrl, token, i));
  send({ type: 'started', callIds: calls.map((c) => c.result.callId) });
  const monitor = new ProcessMonitor();
  const t0 = nowMs() + 200;
  const measureFromMs = t0 + warmupMs;
  const measuring = setTimeout(() => {
    monitor.start();
    send({ type: 'measuring', fromMs: measureFromMs });
  }, measureFromMs - nowMs());
  // Calls start within one frame of each other (spread over 20 ms) and their turns are out of phase.
  await Promise.all(calls.map((call, i) => stream(call, t0 + (i * 20) / count, warmupMs + durationMs, (i * 137) % PERIOD_MS)));
  clearTimeout(measuring);
  // Let the last replies play out, then wait for the parent's go-ahead (it measures memory with the calls live).
  await new Promise((resolve) => setTimeout(resolve, PLAYOUT_MS));
  const stats = monitor.stop();
  await streamedThenHangUp({ type: 'streamed' } satisfies ChildMessage);
  await Promise.all(
    calls.map(async (call) => {
      try {
        const ended = waitFor(call.socket, 'call-ended', 10_000);
        call.socket.emit('end-call');
        await ended;
        (call.result as { ended: boolean }).ended = true;
      } catch (error) {
        call.result.errors.push(String(error));
      } finally {
        call.socket.disconnect();
      }
    }),
  );
  send({ type: 'done', calls: calls.map((c) => c.result), stats });
}

if (process.env.RELAY_BENCH_CLIENT === '1') {
  serveCallers((message: Extract<ParentMessage, { type: 'run' }>) => run(message.baseUrl, message.token, message.calls, message.warmupMs, message.durationMs));
}
