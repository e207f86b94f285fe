import { durationMs, type AudioChunk, type AudioFormat } from '../../audio/format.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { AppError } from '../../core/errors.ts';
import type { CallerNotice, CallTransport, TransportCapabilities, TransportEvent } from '../../runtime/ports.ts';
import { CountingEmitter } from './counting-emitter.ts';
import { PCM16_24K } from './test-audio.ts';

export interface FakeTransportOptions {
  /** Format of the caller's audio (default 24 kHz PCM16). */
  readonly inputFormat?: AudioFormat;
  /** Format the caller wants (default: the input format). */
  readonly outputFormat?: AudioFormat;
  /** Whether the transport reports playback positions (default false: the runtime paces). */
  readonly playbackReports?: boolean;
  /** Source of `atMs` for emitted events (default: the system clock). */
  readonly clock?: Clock;
}

/** One `sendAudio` call as the transport received it. */
export interface SentAudio {
  readonly itemId: string;
  readonly chunk: AudioChunk;
  /** The transport's generation when the audio was queued. */
  readonly generation: number;
  readonly atMs: number;
}

/**
 * An in-memory {@link CallTransport} for tests: records what the runtime sends (audio, notices,
 * clears, close) and lets the test act as the caller (audio, playback reports, DTMF, hang-up, errors).
 * `clear()` starts a new generation, like a real transport.
 */
export class FakeTransport implements CallTransport {
  readonly events = new CountingEmitter<TransportEvent>();
  readonly capabilities: TransportCapabilities;
  readonly inputFormat: AudioFormat;
  readonly outputFormat: AudioFormat;
  /** Every `sendAudio`, in order (audio sent before a `clear` stays here). */
  readonly sentAudio: SentAudio[] = [];
  readonly notices: CallerNotice[] = [];
  /** Reasons passed to `close`, one per call. */
  readonly closeReasons: string[] = [];
  /** Times `clear()` was called. */
  clears = 0;
  readonly #clock: Clock;
  #generation = 0;

  constructor(options: FakeTransportOptions = {}) {
    this.inputFormat = options.inputFormat ?? PCM16_24K;
    this.outputFormat = options.outputFormat ?? this.inputFormat;
    this.capabilities = { playbackReports: options.playbackReports ?? false };
    this.#clock = options.clock ?? systemClock;
  }

  get generation(): number {
    return this.#generation;
  }

  get closed(): boolean {
    return this.closeReasons.length > 0;
  }

  sendAudio(itemId: string, chunk: AudioChunk): void {
    this.sentAudio.push({ itemId, chunk, generation: this.#generation, atMs: this.#clock.nowMs() });
  }

  clear(): void {
    this.clears += 1;
    this.#generation += 1;
  }

  notify(notice: CallerNotice): void {
    this.notices.push(notice);
  }

  close(reason: string): Promise<void> {
    this.closeReasons.push(reason);
    return Promise.resolve();
  }

  // ─── The caller's side ─────────────────────────────────────────────────────────────────────────

  /** The caller sends audio (in `inputFormat` unless the chunk says otherwise). */
  sendCallerAudio(chunk: AudioChunk): void {
    this.events.emit({ type: 'caller_audio', atMs: this.#clock.nowMs(), chunk });
  }

  /** The caller has heard `playedMs` of item `itemId`; the generation defaults to the current one. */
  reportPlayback(itemId: string, playedMs: number, generation = this.#generation): void {
    this.events.emit({ type: 'playback', atMs: this.#clock.nowMs(), itemId, playedMs, generation });
  }

  pressDigit(digit: string): void {
    this.events.emit({ type: 'dtmf', atMs: this.#clock.nowMs(), digit });
  }

  hangUp(reason = 'caller_left'): void {
    this.events.emit({ type: 'hangup', atMs: this.#clock.nowMs(), reason });
  }

  fail(error: AppError, recoverable: boolean): void {
    this.events.emit({ type: 'error', atMs: this.#clock.nowMs(), error, recoverable });
  }

  // ─── Assertions ────────────────────────────────────────────────────────────────────────────────

  /** Milliseconds of audio sent for `itemId` (or for all items). */
  sentMs(itemId?: string): number {
    return this.sentAudio
      .filter((sent) => itemId === undefined || sent.itemId === itemId)
      .reduce((total, sent) => total + durationMs(sent.chunk.format, sent.chunk.data.length), 0);
  }

  /** The notices of one type, in order. */
  noticesOf<T extends CallerNotice['type']>(type: T): Extract<CallerNotice, { type: T }>[] {
    return this.notices.filter((notice): notice is Extract<CallerNotice, { type: T }> => notice.type === type);
  }
}
