/**
 * The outbound half of a Twilio stream: assistant audio re-framed into fixed 20 ms (160-byte) μ-law
 * frames, each `media` followed by a `mark`, and the mark echoes turned into playback positions.
 *
 * - Framing: the remainder of a chunk is carried into the next one of the same item. It is sent,
 *   padded with μ-law silence, when another item's audio arrives, when no audio came for
 *   `tailFlushMs` (the end of a reply), or on `flushTail()`. Partial frames make phone audio jitter.
 * - Marks: named `<generation>:<sequence>`. Twilio echoes a mark once the audio queued before it has
 *   played, so the echo of frame n says exactly how much of its item the caller heard: the item's real
 *   bytes up to the end of that frame (padding excluded).
 * - `clear()`: sends `clear` at once, then starts a new generation. Twilio echoes the marks still pending
 *   at a clear immediately, although that audio never played: every echo of an older generation is
 *   therefore ignored, and audio arriving later for an item first sent under an older generation
 *   (the interrupted one) is dropped.
 */
import { AudioFramer } from '../../audio/framer.ts';
import { silenceByte } from '../../audio/format.ts';
import type { Clock } from '../../core/clock.ts';
import { TWILIO_AUDIO_FORMAT, type TwilioOutbound } from './twilio-messages.ts';

/** μ-law 8 kHz: 8 bytes per millisecond. */
const BYTES_PER_MS = 8;
export const FRAME_MS = 20;
export const FRAME_BYTES = FRAME_MS * BYTES_PER_MS;

/** Items whose generation and position are remembered; older ones are forgotten. */
const REMEMBERED_ITEMS = 256;

/** Where an acknowledged mark says playback got: `playedMs` of item `itemId`, under `generation`. */
export interface PlayedPosition {
  readonly itemId: string;
  readonly playedMs: number;
  readonly generation: number;
}

/** Counters of one stream's outbound side. */
export interface PlayoutStats {
  framesSent: number;
  marksAcked: number;
  /** Echoes of marks sent before a `clear` (ignored). */
  staleMarks: number;
  /** Echoes whose name this stream never sent, or sent twice. */
  unknownMarks: number;
  clears: number;
  /** Assistant audio dropped because its item was interrupted. */
  staleAudioBytes: number;
  /** Silence added to complete the last frame of an item. */
  paddingBytes: number;
}

interface PendingMark {
  readonly seq: number;
  readonly itemId: string;
  readonly playedMs: number;
}

interface ItemState {
  readonly generation: number;
  /** Real (unpadded) bytes of the item framed so far. */
  bytes: number;
}

export interface TwilioPlayoutParams {
  /** Sends one text frame to Twilio; never throws. */
  readonly send: (text: string) => void;
  /** Runs `run`, whose sends leave in one socket write; without it each send is its own write. */
  readonly batch?: (run: () => void) => void;
  readonly outbound: TwilioOutbound;
  readonly clock: Clock;
  /** Idle time after which a carried partial frame is sent, padded with silence. */
  readonly tailFlushMs: number;
}

export class TwilioPlayout {
  readonly stats: PlayoutStats = {
    framesSent: 0,
    marksAcked: 0,
    staleMarks: 0,
    unknownMarks: 0,
    clears: 0,
    staleAudioBytes: 0,
    paddingBytes: 0,
  };
  readonly #params: TwilioPlayoutParams;
  readonly #framer = new AudioFramer(TWILIO_AUDIO_FORMAT, { frameMs: FRAME_MS });
  readonly #items = new Map<string, ItemState>();
  /** Marks sent in this generation and not yet echoed, oldest first, from index `#head`. */
  #pending: PendingMark[] = [];
  #head = 0;
  #generation = 0;
  #seq = 0;
  /** The item whose bytes the framer carries. */
  #framedItem: string | null = null;
  #cancelTailTimer: () => void = () => undefined;
  #drainWaiters: (() => void)[] = [];

  constructor(params: TwilioPlayoutParams) {
    this.#params = params;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Milliseconds sent and not yet acknowledged: what the phone still has queued (at most). */
  get unplayedMs(): number {
    return (this.#pending.length - this.#head) * FRAME_MS;
  }

  /** Queues `data` (μ-law 8 kHz) of item `itemId`. */
  push(itemId: string, data: Uint8Array): void {
    const item = this.#itemFor(itemId);
    if (item.generation < this.#generation) {
      this.stats.staleAudioBytes += data.byteLength;
      return;
    }
    const { batch } = this.#params;
    if (batch === undefined) this.#frame(itemId, item, data);
    else batch(() => {
      this.#frame(itemId, item, data);
    });
    this.#cancelTailTimer();
    if (this.#framer.pendingBytes > 0) {
      this.#cancelTailTimer = this.#params.clock.setTimer(this.#params.tailFlushMs, () => {
        this.flushTail();
      });
    }
  }

  #frame(itemId: string, item: ItemState, data: Uint8Array): void {
    if (this.#framedItem !== null && this.#framedItem !== itemId) this.flushTail();
    this.#framedItem = itemId;
    for (const frame of this.#framer.push(data)) this.#sendFrame(itemId, item, frame, FRAME_BYTES);
  }

  /** Sends the carried partial frame now, padded to 160 bytes with μ-law silence. */
  flushTail(): void {
    this.#cancelTailTimer();
    const itemId = this.#framedItem;
    const realBytes = this.#framer.pendingBytes;
    const frame = this.#framer.flush(true);
    this.#framedItem = null;
    if (itemId === null || frame === undefined) return;
    const item = this.#items.get(itemId);
    if (item === undefined) return;
    this.stats.paddingBytes += FRAME_BYTES - realBytes;
    this.#sendFrame(itemId, item, frame, realBytes);
  }

  /**
   * Barge-in: `clear` goes out before anything else, the carried remainder is dropped and a new
   * generation starts, so that the echoes of the marks pending now are ignored.
   */
  clear(): void {
    this.#params.send(this.#params.outbound.clear());
    this.#cancelTailTimer();
    this.#framer.reset();
    this.#framedItem = null;
    this.#generation += 1;
    this.stats.clears += 1;
    this.#pending = [];
    this.#head = 0;
    this.#resolveDrained();
  }

  /** A mark echo from Twilio: the position it proves, or null (stale, unknown or not ours). */
  ack(name: string): PlayedPosition | null {
    const parsed = parseMarkName(name);
    if (parsed === null) {
      this.stats.unknownMarks += 1;
      return null;
    }
    if (parsed.generation !== this.#generation) {
      this.stats.staleMarks += 1;
      return null;
    }
    // Twilio echoes in order: everything before this mark has played too.
    let found: PendingMark | null = null;
    while (this.#head < this.#pending.length) {
      const pending = this.#pending[this.#head];
      if (pending === undefined || pending.seq > parsed.seq) break;
      this.#head += 1;
      if (pending.seq === parsed.seq) found = pending;
    }
    this.#compact();
    if (found === null) {
      this.stats.unknownMarks += 1;
      return null;
    }
    this.stats.marksAcked += 1;
    return { itemId: found.itemId, playedMs: found.playedMs, generation: this.#generation };
  }

  /** Resolves once every mark sent has been echoed (or cleared, or the playout disposed). */
  whenPlayed(): Promise<void> {
    if (this.#head >= this.#pending.length) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Stops timers and releases waiters; nothing more is sent. */
  dispose(): void {
    this.#cancelTailTimer();
    this.#framer.reset();
    this.#framedItem = null;
    this.#pending = [];
    this.#head = 0;
    this.#resolveDrained();
  }

  #sendFrame(itemId: string, item: ItemState, frame: Uint8Array, realBytes: number): void {
    const { send, outbound } = this.#params;
    item.bytes += realBytes;
    this.#seq += 1;
    const seq = this.#seq;
    send(outbound.media(frame));
    send(outbound.mark(markName(this.#generation, seq)));
    this.#pending.push({ seq, itemId, playedMs: item.bytes / BYTES_PER_MS });
    this.stats.framesSent += 1;
  }

  #itemFor(itemId: string): ItemState {
    const known = this.#items.get(itemId);
    if (known !== undefined) return known;
    const item: ItemState = { generation: this.#generation, bytes: 0 };
    this.#items.set(itemId, item);
    if (this.#items.size > REMEMBERED_ITEMS) {
      const oldest = this.#items.keys().next();
      if (oldest.done !== true && oldest.value !== this.#framedItem) this.#items.delete(oldest.value);
    }
    return item;
  }

  #compact(): void {
    if (this.#head >= this.#pending.length) {
      this.#pending = [];
      this.#head = 0;
      this.#resolveDrained();
    } else if (this.#head > 1024) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
  }

  #resolveDrained(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** `<generation>:<sequence>`, both non-negative integers. */
export function markName(generation: number, seq: number): string {
  return `${generation}:${seq}`;
}

const MARK_NAME = /^(\d{1,9}):(\d{1,15})$/;

export function parseMarkName(name: string): { readonly generation: number; readonly seq: number } | null {
  const match = MARK_NAME.exec(name);
  if (match === null) return null;
  return { generation: Number(match[1]), seq: Number(match[2]) };
}

/** A fresh frame of μ-law silence (callers may hand it on; it is never shared). */
export function silenceFrame(): Uint8Array {
  return new Uint8Array(FRAME_BYTES).fill(silenceByte('mulaw'));
}
