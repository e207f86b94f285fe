/**
 * How much of each assistant item the caller has heard. The engine produces audio faster than real
 * time, so what was sent to the transport is always ahead of what was played. Two sources:
 *
 * - `reports`: the transport's `playback` events (Twilio mark echoes, a client's playback position).
 *   A report from an older generation (sent before a `clear`) is stale and ignored.
 * - `pacing`: no reports, so playback is simulated: the transport's queue plays in real time from the
 *   moment audio is sent, one item after another, pausing when the queue runs dry.
 *
 * Either way the heard position is clamped to what was sent.
 */

/** Where heard positions come from; see the module comment. */
export type PlaybackMode = 'reports' | 'pacing';

interface Segment {
  readonly startAtMs: number;
  durationMs: number;
}

interface ItemPlayback {
  sentMs: number;
  /** Simulated playout of the item's audio on the wall clock (contiguous audio is one segment). */
  readonly segments: Segment[];
  /** Furthest reported position (`reports` mode). */
  reportedMs: number;
  /** Heard position fixed by a `clear`: nothing more of this item will play. */
  frozenHeardMs: number | null;
}

/** Items kept; older ones are forgotten (a call only ever interrupts its latest audio). */
const MAX_TRACKED_ITEMS = 32;

/** Playback positions of one call's assistant items. Times are integer ms from the injected clock. */
export class PlaybackTracker {
  readonly #mode: PlaybackMode;
  readonly #items = new Map<string, ItemPlayback>();
  /** When the simulated transport queue runs dry. */
  #playoutEndAtMs = Number.NEGATIVE_INFINITY;
  #currentItemId: string | null = null;

  constructor(mode: PlaybackMode) {
    this.#mode = mode;
  }

  get mode(): PlaybackMode {
    return this.#mode;
  }

  /** The item whose audio was sent last since the last `clear`, or null. */
  get currentItemId(): string | null {
    return this.#currentItemId;
  }

  /** Records `ms` of item `itemId` handed to the transport at `atMs`. */
  recordSent(itemId: string, ms: number, atMs: number): void {
    if (ms <= 0) return;
    const item = this.#item(itemId);
    const startAtMs = Math.max(atMs, this.#playoutEndAtMs);
    const last = item.segments.at(-1);
    if (last !== undefined && last.startAtMs + last.durationMs === startAtMs) last.durationMs += ms;
    else item.segments.push({ startAtMs, durationMs: ms });
    item.sentMs += ms;
    this.#playoutEndAtMs = startAtMs + ms;
    this.#currentItemId = itemId;
  }

  /**
   * Applies a transport playback report. Returns false (and changes nothing) for a stale report
   * (`generation` older than `currentGeneration`), an unknown item or an item already cleared.
   */
  recordReport(itemId: string, playedMs: number, generation: number, currentGeneration: number): boolean {
    if (generation < currentGeneration) return false;
    const item = this.#items.get(itemId);
    if (item === undefined || item.frozenHeardMs !== null) return false;
    item.reportedMs = Math.max(item.reportedMs, playedMs);
    return true;
  }

  /** Milliseconds of the item sent to the transport (0 for an unknown item). */
  sentMs(itemId: string): number {
    return this.#items.get(itemId)?.sentMs ?? 0;
  }

  /** Milliseconds of the item the caller has heard at `nowMs`, never more than was sent. */
  heardMs(itemId: string, nowMs: number): number {
    const item = this.#items.get(itemId);
    if (item === undefined) return 0;
    if (item.frozenHeardMs !== null) return item.frozenHeardMs;
    const heard = this.#mode === 'reports' ? item.reportedMs : pacedHeardMs(item.segments, nowMs);
    return Math.min(Math.max(0, heard), item.sentMs);
  }

  /** Estimated wall-clock time the item's sent audio finishes playing, or null for an unknown item. */
  playoutEndAtMs(itemId: string): number | null {
    const last = this.#items.get(itemId)?.segments.at(-1);
    return last === undefined ? null : last.startAtMs + last.durationMs;
  }

  /** The transport dropped its queue at `nowMs`: every item's heard position is fixed from now on. */
  clear(nowMs: number): void {
    for (const [itemId, item] of this.#items) {
      if (item.frozenHeardMs === null) item.frozenHeardMs = this.heardMs(itemId, nowMs);
    }
    this.#playoutEndAtMs = Number.NEGATIVE_INFINITY;
    this.#currentItemId = null;
  }

  #item(itemId: string): ItemPlayback {
    const known = this.#items.get(itemId);
    if (known !== undefined) return known;
    const item: ItemPlayback = { sentMs: 0, segments: [], reportedMs: 0, frozenHeardMs: null };
    this.#items.set(itemId, item);
    if (this.#items.size > MAX_TRACKED_ITEMS) {
      const oldest = this.#items.keys().next();
      if (oldest.done !== true) this.#items.delete(oldest.value);
    }
    return item;
  }
}

/** Real-time playout of the segments up to `nowMs`. */
function pacedHeardMs(segments: readonly Segment[], nowMs: number): number {
  let heard = 0;
  for (const segment of segments) {
    heard += Math.min(segment.durationMs, Math.max(0, nowMs - segment.startAtMs));
  }
  return heard;
}
