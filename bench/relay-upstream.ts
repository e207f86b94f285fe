/**
 * The fake OpenAI Realtime upstream of bench/relay.ts, in its own child process
 * (`node --import tsx bench/relay-upstream.ts`, `RELAY_BENCH_UPSTREAM=1`; IPC in upstream-child.ts).
 * Its `collected` answer holds, per session in connection order, when each
 * `input_audio_buffer.append` was received and how many bytes it held, and when each
 * `response.output_audio.delta` was sent and how long its base64 was; plus this process's stats.
 *
 * Stamps are taken by the fake itself (`ObservedEvent.atMs`: a client event on arrival, a server event
 * just before it is sent), with the benchmark's sub-millisecond clock.
 */
import { startFakeOpenAIRealtime, type FakeRealtimeServer, type ObservedEvent } from '../src/testing/fake-openai-realtime/index.ts';
import { benchClock, type ProcessStats } from './bench-process.ts';
import { REPLY_AUDIO_MS, REPLY_TEXT, runUpstreamChild, serveUpstream, type UpstreamChildMessageOf } from './upstream-child.ts';

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

export type UpstreamChildMessage = UpstreamChildMessageOf<{
  readonly type: 'collected';
  readonly sessions: UpstreamSessionRecord[];
  readonly responses: number;
  readonly errorEvents: number;
  readonly stats: ProcessStats | null;
}>;

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
    clock: benchClock,
    defaultReply: () => ({ type: 'message', text: REPLY_TEXT, audioMs: REPLY_AUDIO_MS }),
  });
  let closedInWindow = new Set<string>();
  serveUpstream(fake, {
    onMonitorStop: () => {
      closedInWindow = new Set(fake.sessions.filter((session) => session.closed).map((session) => session.id));
    },
    collect: (stats) => recorder.collect(fake, stats, closedInWindow),
  });
}

runUpstreamChild('RELAY_BENCH_UPSTREAM', main);
