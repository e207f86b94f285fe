/**
 * The fake OpenAI Realtime upstream of bench/phone.ts, in its own child process
 * (`node --import tsx bench/phone-upstream.ts`, `PHONE_BENCH_UPSTREAM=1`), so its CPU stays out of the
 * measured server process. The same fake and reply as the relay bench's (bench/relay-upstream.ts), but
 * each session is named by its `session.update` instructions: every phone number of the bench has its
 * own agent whose instructions carry the call's index, so sessions are matched to calls however the
 * server happened to open them (phone calls are admitted concurrently, not one after another).
 *
 * IPC: `{ type: 'ready', baseUrl }` on start-up; `ping` → `pong` (clock alignment); `monitor-start` /
 * `monitor-stop` bracket the measured window; `collect` → `{ type: 'collected', sessions, … }`.
 */
import { systemClock } from '../src/core/clock.ts';
import { startFakeOpenAIRealtime, type FakeRealtimeServer } from '../src/testing/fake-openai-realtime/index.ts';
import { answerPing, describeError, nowMs, ProcessMonitor, type ProcessStats } from './relay-process.ts';
import { REPLY_AUDIO_MS } from './relay-upstream.ts';

/** Per session: what the parent matches against the phone's records (see phone-analysis.ts). */
export interface PhoneUpstreamSession {
  /** The session's instructions: `phone bench call <index>` (see {@link phoneAgentInstructions}). */
  readonly instructions: string;
  /** Arrival of each `input_audio_buffer.append` and the base64 length of its audio. */
  readonly appendAtMs: number[];
  readonly appendB64Chars: number[];
  /** Send time of each `response.output_audio.delta` and the base64 length of its audio. */
  readonly deltaAtMs: number[];
  readonly deltaB64Chars: number[];
  /** Decoded audio bytes the fake received (exact). */
  readonly bytesReceived: number;
  readonly rejectedClientEvents: number;
  readonly speechStarted: number;
  readonly responsesDone: number;
  readonly responsesCancelled: number;
  readonly errorEvents: number;
}

export type PhoneUpstreamParentMessage =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'monitor-start' }
  | { readonly type: 'monitor-stop' }
  | { readonly type: 'collect' };

export type PhoneUpstreamChildMessage =
  | { readonly type: 'ready'; readonly baseUrl: string }
  | { readonly type: 'pong'; readonly id: number; readonly atMs: number }
  | { readonly type: 'collected'; readonly sessions: PhoneUpstreamSession[]; readonly stats: ProcessStats | null }
  | { readonly type: 'failed'; readonly message: string };

/** The instructions of the bench agent answering call `index` (the upstream tells sessions apart by them). */
export function phoneAgentInstructions(index: number): string {
  return `phone bench call ${String(index)}`;
}

/** `<N base64 chars elided>` (recordAudioPayloads: false) → N. */
function elidedChars(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const match = /^<(\d+) base64 chars elided>$/.exec(value);
  return match ? Number(match[1]) : value.length;
}

type MutableSession = { -readonly [K in keyof PhoneUpstreamSession]: PhoneUpstreamSession[K] };

function collect(fake: FakeRealtimeServer, stats: ProcessStats | null): Extract<PhoneUpstreamChildMessage, { type: 'collected' }> {
  const bySession = new Map<string, MutableSession>();
  const sessions = fake.sessions.map((session) => {
    const record: MutableSession = {
      instructions: session.config.instructions,
      appendAtMs: [],
      appendB64Chars: [],
      deltaAtMs: [],
      deltaB64Chars: [],
      bytesReceived: session.audio.bytesReceived,
      rejectedClientEvents: 0,
      speechStarted: 0,
      responsesDone: 0,
      responsesCancelled: 0,
      errorEvents: 0,
    };
    for (const received of session.clientEvents) {
      if (received.error !== null) record.rejectedClientEvents += 1;
      const raw = received.raw as { type?: unknown; audio?: unknown } | null;
      if (raw?.type !== 'input_audio_buffer.append') continue;
      record.appendAtMs.push(received.atMs);
      record.appendB64Chars.push(elidedChars(raw.audio));
    }
    bySession.set(session.id, record);
    return record;
  });
  for (const observed of fake.events) {
    if (observed.direction !== 'server') continue;
    const record = bySession.get(observed.sessionId);
    if (record === undefined) continue;
    const { event } = observed;
    switch (event.type) {
      case 'error':
        record.errorEvents += 1;
        break;
      case 'input_audio_buffer.speech_started':
        record.speechStarted += 1;
        break;
      case 'response.done':
        if (event.response.status === 'cancelled') record.responsesCancelled += 1;
        else record.responsesDone += 1;
        break;
      case 'response.output_audio.delta':
        record.deltaAtMs.push(observed.atMs);
        record.deltaB64Chars.push(elidedChars(event.delta));
        break;
      default:
        break;
    }
  }
  return { type: 'collected', sessions, stats };
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
  process.on('message', (message: PhoneUpstreamParentMessage) => {
    if (answerPing(message)) return;
    switch (message.type) {
      case 'monitor-start':
        monitor.start();
        return;
      case 'monitor-stop':
        stats = monitor.stop();
        return;
      case 'collect':
        process.send?.(collect(fake, stats));
        return;
      default:
        return;
    }
  });
  process.on('disconnect', () => {
    void fake.close().finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', baseUrl: fake.baseUrl } satisfies PhoneUpstreamChildMessage);
}

if (process.env.PHONE_BENCH_UPSTREAM === '1') {
  main().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: describeError(error) } satisfies PhoneUpstreamChildMessage);
  });
}
