/**
 * The fake OpenAI Realtime upstream of bench/phone.ts, in its own child process
 * (`node --import tsx bench/phone-upstream.ts`, `PHONE_BENCH_UPSTREAM=1`), so its CPU stays out of the
 * measured server process. The same fake and reply as the relay bench's (bench/relay-upstream.ts), but
 * each session is named by its `session.update` instructions: every phone number of the bench has its
 * own agent whose instructions carry the call's index, so sessions are matched to calls however the
 * server happened to open them (phone calls are admitted concurrently, not one after another). Audio
 * payloads are recorded, and the frame numbers the phones wrote into their audio are read back from
 * the appends after the level (phone-frames.ts).
 *
 * IPC: `{ type: 'ready', baseUrl }` on start-up; `ping` → `pong` (clock alignment); `monitor-start` /
 * `monitor-stop` bracket the measured window; `collect` → `{ type: 'collected', sessions, … }`.
 */
import { systemClock } from '../src/core/clock.ts';
import { startFakeOpenAIRealtime, type FakeRealtimeServer } from '../src/testing/fake-openai-realtime/index.ts';
import { frameNumberAt, PHONE_FRAME_BYTES } from './phone-frames.ts';
import { answerPing, describeError, nowMs, ProcessMonitor, type ProcessStats } from './relay-process.ts';
import { REPLY_AUDIO_MS } from './relay-upstream.ts';

/** Per session: what the parent matches against the phone's records (see phone-analysis.ts). */
export interface PhoneUpstreamSession {
  /** The session's instructions: `phone bench call <index>` (see {@link phoneAgentInstructions}). */
  readonly instructions: string;
  /**
   * The appended audio cut into 160-byte frames in order: each frame's number (phone-frames.ts; -1 for
   * a frame without one, such as the server's silence padding) and when the append that completed it
   * arrived.
   */
  readonly frameNumbers: number[];
  readonly frameAtMs: number[];
  /** Appended bytes after the last whole frame (0 unless the server cut frames). */
  readonly trailingBytes: number;
  /** Send time and decoded size of each `response.output_audio.delta`. */
  readonly deltaAtMs: number[];
  readonly deltaBytes: number[];
  /** Decoded audio bytes the fake received (its own counter). */
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

/** Numbers every whole frame of a session's appended audio (see {@link PhoneUpstreamSession.frameNumbers}). */
function numberFrames(appends: readonly { readonly atMs: number; readonly audio: Buffer }[], record: MutableSession): void {
  const all = Buffer.concat(appends.map((append) => append.audio));
  let append = 0;
  let appendEnd = appends[0]?.audio.length ?? 0;
  for (let offset = 0; offset + PHONE_FRAME_BYTES <= all.length; offset += PHONE_FRAME_BYTES) {
    while (appendEnd < offset + PHONE_FRAME_BYTES && append + 1 < appends.length) {
      append += 1;
      appendEnd += appends[append]?.audio.length ?? 0;
    }
    record.frameNumbers.push(frameNumberAt(all, offset));
    record.frameAtMs.push(appends[append]?.atMs ?? Number.NaN);
  }
  record.trailingBytes = all.length % PHONE_FRAME_BYTES;
}

type MutableSession = { -readonly [K in keyof PhoneUpstreamSession]: PhoneUpstreamSession[K] };

function collect(fake: FakeRealtimeServer, stats: ProcessStats | null): Extract<PhoneUpstreamChildMessage, { type: 'collected' }> {
  const bySession = new Map<string, MutableSession>();
  const sessions = fake.sessions.map((session) => {
    const record: MutableSession = {
      instructions: session.config.instructions,
      frameNumbers: [],
      frameAtMs: [],
      trailingBytes: 0,
      deltaAtMs: [],
      deltaBytes: [],
      bytesReceived: session.audio.bytesReceived,
      rejectedClientEvents: 0,
      speechStarted: 0,
      responsesDone: 0,
      responsesCancelled: 0,
      errorEvents: 0,
    };
    const appends: { atMs: number; audio: Buffer }[] = [];
    for (const received of session.clientEvents) {
      if (received.error !== null) record.rejectedClientEvents += 1;
      const raw = received.raw as { type?: unknown; audio?: unknown } | null;
      if (raw?.type === 'input_audio_buffer.append' && typeof raw.audio === 'string') appends.push({ atMs: received.atMs, audio: Buffer.from(raw.audio, 'base64') });
    }
    numberFrames(appends, record);
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
        record.deltaBytes.push(Buffer.byteLength(event.delta, 'base64'));
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
    // Payloads are kept: the frame numbers the phones wrote into their audio are read from them.
    recordAudioPayloads: true,
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
