/**
 * The fake OpenAI Realtime upstream of bench/relay.ts, in its own child process
 * (`node --import tsx bench/relay-upstream.ts`) so that its CPU (JSON parsing, VAD, paced replies)
 * stays out of the measured server process. Talks to the parent over IPC:
 *
 * - on start-up it sends `{ type: 'ready', baseUrl }`;
 * - `{ type: 'ping', id }` → `{ type: 'pong', id, atMs }` (clock alignment);
 * - `{ type: 'monitor-start' }` / `{ type: 'monitor-stop' }` bracket the measured window;
 * - `{ type: 'collect' }` → `{ type: 'collected', … }`: per session, in connection order, when each
 *   `input_audio_buffer.append` was received and how many bytes it held, and when each
 *   `response.output_audio.delta` was sent and how long its base64 was; plus this process's stats.
 *
 * Stamps are taken by the fake itself (`ObservedEvent.atMs`: a client event on arrival, a server event
 * just before it is sent), with the benchmark's sub-millisecond clock.
 */
import { systemClock } from '../src/core/clock.ts';
import { startFakeOpenAIRealtime, type FakeRealtimeServer, type ObservedEvent } from '../src/testing/fake-openai-realtime/index.ts';
import { answerPing, describeError, nowMs, ProcessMonitor, type ProcessStats } from './relay-process.ts';

/** Per session: the timing records the parent matches against the callers' (see relay-analysis.ts). */
export interface UpstreamSessionRecord {
  readonly appendAtMs: number[];
  readonly appendBytes: number[];
  readonly deltaAtMs: number[];
  readonly deltaB64Chars: number[];
  readonly bytesReceived: number;
  readonly rejectedClientEvents: number;
  /** Closed before the measured window ended: the server lost this upstream session (and opened another). */
  readonly closedInWindow: boolean;
}

export type UpstreamParentMessage =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'monitor-start' }
  | { readonly type: 'monitor-stop' }
  | { readonly type: 'collect' };

export type UpstreamChildMessage =
  | { readonly type: 'ready'; readonly baseUrl: string }
  | { readonly type: 'pong'; readonly id: number; readonly atMs: number }
  | {
      readonly type: 'collected';
      readonly sessions: UpstreamSessionRecord[];
      readonly responses: number;
      readonly errorEvents: number;
      readonly stats: ProcessStats | null;
    }
  | { readonly type: 'failed'; readonly message: string };

/** Replies the fake gives every turn: 800 ms of audio, paced in real time in 100 ms deltas. */
export const REPLY_AUDIO_MS = 800;

/** Base64 text → its length; an elided payload (`<N base64 chars elided>`) → N. */
function base64Chars(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const match = /^<(\d+) base64 chars elided>$/.exec(value);
  return match ? Number(match[1]) : value.length;
}

type Timings = Pick<UpstreamSessionRecord, 'appendAtMs' | 'appendBytes' | 'deltaAtMs' | 'deltaB64Chars'> & { rejected: number };

/**
 * Keeps, per session, only numbers: the fake is started with `recordAudioEvents: false` and hands
 * every event to {@link Recorder.observe}, so it retains no object per audio event (its garbage
 * collections would otherwise show in the latencies it stamps).
 */
class Recorder {
  readonly #sessions = new Map<string, Timings>();
  responses = 0;
  errorEvents = 0;

  observe(observed: ObservedEvent): void {
    const timings = this.#timings(observed.sessionId);
    if (observed.direction === 'client') {
      const raw = observed.event.raw as { type?: unknown; audio?: unknown } | null;
      if (raw?.type !== 'input_audio_buffer.append') return;
      timings.appendAtMs.push(observed.atMs);
      timings.appendBytes.push((base64Chars(raw.audio) * 3) / 4);
      return;
    }
    const { event } = observed;
    if (event.type === 'error') {
      this.errorEvents += 1;
      timings.rejected += 1;
    } else if (event.type === 'response.done') {
      this.responses += 1;
    } else if (event.type === 'response.output_audio.delta') {
      timings.deltaAtMs.push(observed.atMs);
      timings.deltaB64Chars.push(base64Chars(event.delta));
    }
  }

  collect(fake: FakeRealtimeServer, stats: ProcessStats | null, closedInWindow: ReadonlySet<string>): Extract<UpstreamChildMessage, { type: 'collected' }> {
    const sessions = fake.sessions.map((session): UpstreamSessionRecord => {
      const { rejected, ...timings } = this.#timings(session.id);
      return { ...timings, bytesReceived: session.audio.bytesReceived, rejectedClientEvents: rejected, closedInWindow: closedInWindow.has(session.id) };
    });
    return { type: 'collected', sessions, responses: this.responses, errorEvents: this.errorEvents, stats };
  }

  #timings(sessionId: string): Timings {
    let timings = this.#sessions.get(sessionId);
    if (timings === undefined) {
      timings = { appendAtMs: [], appendBytes: [], deltaAtMs: [], deltaB64Chars: [], rejected: 0 };
      this.#sessions.set(sessionId, timings);
    }
    return timings;
  }
}

async function main(): Promise<void> {
  const recorder = new Recorder();
  const fake = await startFakeOpenAIRealtime({
    pacing: { speedFactor: 1 },
    recordAudioPayloads: false,
    recordAudioEvents: false,
    onEvent: (event) => {
      recorder.observe(event);
    },
    clock: { nowMs, setTimer: (delayMs, fn) => systemClock.setTimer(delayMs, fn) },
    defaultReply: () => ({ type: 'message', text: 'Sure, tell me more about that.', audioMs: REPLY_AUDIO_MS }),
  });
  const monitor = new ProcessMonitor();
  let stats: ProcessStats | null = null;
  let closedInWindow = new Set<string>();
  process.on('message', (message: UpstreamParentMessage) => {
    if (answerPing(message)) return;
    switch (message.type) {
      case 'monitor-start':
        monitor.start();
        return;
      case 'monitor-stop':
        stats = monitor.stop();
        closedInWindow = new Set(fake.sessions.filter((session) => session.closed).map((session) => session.id));
        return;
      case 'collect':
        process.send?.(recorder.collect(fake, stats, closedInWindow));
        return;
      default:
        return;
    }
  });
  process.on('disconnect', () => {
    void fake.close().finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', baseUrl: fake.baseUrl } satisfies UpstreamChildMessage);
}

if (process.env.RELAY_BENCH_UPSTREAM === '1') {
  main().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: describeError(error) } satisfies UpstreamChildMessage);
  });
}
