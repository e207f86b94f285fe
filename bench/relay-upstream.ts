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
 * Stamps are taken by the fake itself (`ObservedEvent.atMs`), with the benchmark's sub-millisecond clock.
 */
import { systemClock } from '../src/core/clock.ts';
import { startFakeOpenAIRealtime, type FakeRealtimeServer } from '../src/testing/fake-openai-realtime/index.ts';
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

/** `<N base64 chars elided>` (recordAudioPayloads: false) → N. */
function elidedChars(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const match = /^<(\d+) base64 chars elided>$/.exec(value);
  return match ? Number(match[1]) : value.length;
}

function collect(fake: FakeRealtimeServer, stats: ProcessStats | null, closedInWindow: ReadonlySet<string>): Extract<UpstreamChildMessage, { type: 'collected' }> {
  const bySession = new Map<string, UpstreamSessionRecord>();
  const sessions = fake.sessions.map((session) => {
    const record: UpstreamSessionRecord = {
      appendAtMs: [],
      appendBytes: [],
      deltaAtMs: [],
      deltaB64Chars: [],
      bytesReceived: session.audio.bytesReceived,
      rejectedClientEvents: 0,
      closedInWindow: closedInWindow.has(session.id),
    };
    for (const received of session.clientEvents) {
      if (received.error !== null) (record as { rejectedClientEvents: number }).rejectedClientEvents += 1;
      const raw = received.raw as { type?: unknown; audio?: unknown } | null;
      if (raw?.type !== 'input_audio_buffer.append') continue;
      record.appendAtMs.push(received.atMs);
      record.appendBytes.push((elidedChars(raw.audio) * 3) / 4);
    }
    bySession.set(session.id, record);
    return record;
  });
  let responses = 0;
  let errorEvents = 0;
  for (const observed of fake.events) {
    if (observed.direction !== 'server') continue;
    if (observed.event.type === 'error') errorEvents += 1;
    if (observed.event.type === 'response.done') responses += 1;
    if (observed.event.type !== 'response.output_audio.delta') continue;
    const record = bySession.get(observed.sessionId);
    record?.deltaAtMs.push(observed.atMs);
    record?.deltaB64Chars.push(elidedChars(observed.event.delta));
  }
  return { type: 'collected', sessions, responses, errorEvents, stats };
}

async function main(): Promise<void> {
  const fake = await startFakeOpenAIRealtime({
    pacing: { speedFactor: 1 },
    recordAudioPayloads: false,
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
        process.send?.(collect(fake, stats, closedInWindow));
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
