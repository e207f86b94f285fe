/**
 * The fake OpenAI Realtime upstream of bench/phone.ts, in its own child process
 * (`node --import tsx bench/phone-upstream.ts`, `PHONE_BENCH_UPSTREAM=1`), so its CPU stays out of the
 * measured server process. The same fake and reply as the relay bench's (bench/relay-upstream.ts), but
 * each session is named by its `session.update` instructions: every phone number of the bench has its
 * own agent whose instructions carry the call's index, so sessions are matched to calls however the
 * server happened to open them (phone calls are admitted concurrently, not one after another). Audio
 * payloads are recorded, and the frame numbers the phones wrote into their audio are read back from
 * the appends every 250 ms (phone-frames.ts), after which their audio is let go.
 *
 * IPC as upstream-child.ts says; `collect` → `{ type: 'collected', sessions, stats }`.
 */
import { startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer, type FakeRealtimeSession } from '../src/testing/fake-openai-realtime/index.ts';
import { benchClock, type ProcessStats } from './bench-process.ts';
import { frameNumberAt, numberedReplyPcm24k, PHONE_FRAME_BYTES } from './phone-frames.ts';
import { REPLY_AUDIO_MS, REPLY_TEXT, runUpstreamChild, serveUpstream, type UpstreamChildMessageOf } from './upstream-child.ts';

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
  /**
   * The replies cut into 160-byte frames from the start of each: each frame's number
   * (phone-frames.ts `replyFrameNumber`) and the send time of the delta that completed it.
   */
  readonly replyFrameNumbers: number[];
  readonly replyFrameAtMs: number[];
  /** Decoded audio bytes the fake received (its own counter). */
  readonly bytesReceived: number;
  readonly rejectedClientEvents: number;
  readonly speechStarted: number;
  readonly responsesDone: number;
  readonly responsesCancelled: number;
  readonly errorEvents: number;
}

export type PhoneUpstreamChildMessage = UpstreamChildMessageOf<{ readonly type: 'collected'; readonly sessions: PhoneUpstreamSession[]; readonly stats: ProcessStats | null }>;

/** Every reply: REPLY_AUDIO_MS of tone, as the relay bench's fake answers. */
const replyTone = toneAudio(REPLY_AUDIO_MS, { type: 'audio/pcmu' });

/** How often recorded appends are read (and their audio let go). */
const READ_INTERVAL_MS = 250;

/** The instructions of the bench agent answering call `index` (the upstream tells sessions apart by them). */
export function phoneAgentInstructions(index: number): string {
  return `phone bench call ${String(index)}`;
}

/**
 * Reads a session's appends as they come: numbers each whole 160-byte frame of the appended audio
 * (see {@link PhoneUpstreamSession.frameNumbers}), then empties the audio strings the fake recorded, so
 * the recording (kept only for this) does not grow with every frame of every call: at 300 calls that is
 * hundreds of megabytes, and garbage collection in this process would stall the fake's own stamps.
 * The fake has dispatched each event synchronously on arrival, before this runs; nothing reads it again.
 */
class AppendReader {
  readonly frameNumbers: number[] = [];
  readonly frameAtMs: number[] = [];
  rejected = 0;
  #cursor = 0;
  #carry: Buffer = Buffer.alloc(0);

  get trailingBytes(): number {
    return this.#carry.length;
  }

  read(events: FakeRealtimeSession['clientEvents']): void {
    for (; this.#cursor < events.length; this.#cursor += 1) {
      const received = events[this.#cursor];
      if (received === undefined) continue;
      if (received.error !== null) this.rejected += 1;
      const raw = received.raw as { type?: unknown; audio?: unknown } | null;
      if (raw?.type !== 'input_audio_buffer.append' || typeof raw.audio !== 'string') continue;
      const all = Buffer.concat([this.#carry, Buffer.from(raw.audio, 'base64')]);
      let offset = 0;
      for (; offset + PHONE_FRAME_BYTES <= all.length; offset += PHONE_FRAME_BYTES) {
        this.frameNumbers.push(frameNumberAt(all, offset));
        this.frameAtMs.push(received.atMs);
      }
      this.#carry = Buffer.from(all.subarray(offset));
      raw.audio = '';
      if (received.event?.type === 'input_audio_buffer.append') received.event.audio = '';
    }
  }
}

type MutableSession = { -readonly [K in keyof PhoneUpstreamSession]: PhoneUpstreamSession[K] };

function readAppends(fake: FakeRealtimeServer, readers: Map<string, AppendReader>): void {
  for (const session of fake.sessions) {
    let reader = readers.get(session.id);
    if (reader === undefined) {
      reader = new AppendReader();
      readers.set(session.id, reader);
    }
    reader.read(session.clientEvents);
  }
}

function collect(fake: FakeRealtimeServer, readers: Map<string, AppendReader>, stats: ProcessStats | null): Extract<PhoneUpstreamChildMessage, { type: 'collected' }> {
  readAppends(fake, readers);
  const bySession = new Map<string, MutableSession>();
  const sessions = fake.sessions.map((session) => {
    const reader = readers.get(session.id) ?? new AppendReader();
    const record: MutableSession = {
      instructions: session.config.instructions,
      frameNumbers: reader.frameNumbers,
      frameAtMs: reader.frameAtMs,
      trailingBytes: reader.trailingBytes,
      deltaAtMs: [],
      deltaBytes: [],
      replyFrameNumbers: [],
      replyFrameAtMs: [],
      bytesReceived: session.audio.bytesReceived,
      rejectedClientEvents: reader.rejected,
      speechStarted: 0,
      responsesDone: 0,
      responsesCancelled: 0,
      errorEvents: 0,
    };
    bySession.set(session.id, record);
    return record;
  });
  const replies = new Map<string, { item: string; carry: Buffer }>();
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
      case 'response.output_audio.delta': {
        const audio = Buffer.from(event.delta, 'base64');
        record.deltaAtMs.push(observed.atMs);
        record.deltaBytes.push(audio.length);
        const reply = replies.get(observed.sessionId);
        const carry = reply?.item === event.item_id ? reply.carry : Buffer.alloc(0);
        const all = Buffer.concat([carry, audio]);
        let offset = 0;
        for (; offset + PHONE_FRAME_BYTES <= all.length; offset += PHONE_FRAME_BYTES) {
          record.replyFrameNumbers.push(frameNumberAt(all, offset));
          record.replyFrameAtMs.push(observed.atMs);
        }
        replies.set(observed.sessionId, { item: event.item_id, carry: Buffer.from(all.subarray(offset)) });
        break;
      }
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
    clock: benchClock,
    // Numbered reply audio (phone-frames.ts): the phone can say which frame of which reply it received.
    defaultReply: (context) => ({ type: 'message', text: REPLY_TEXT, pcm24k: numberedReplyPcm24k(context.responseIndex, replyTone) }),
  });
  const readers = new Map<string, AppendReader>();
  const reading = setInterval(() => {
    readAppends(fake, readers);
  }, READ_INTERVAL_MS);
  serveUpstream(fake, {
    collect: (stats) => collect(fake, readers, stats),
    onDisconnect: () => {
      clearInterval(reading);
    },
  });
}

runUpstreamChild('PHONE_BENCH_UPSTREAM', main);
