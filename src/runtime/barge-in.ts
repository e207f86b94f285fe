/**
 * Barge-in: the caller starts speaking while the agent is talking. The runtime drops the transport's
 * queued audio, has the engine cancel the response and truncate the item at the position the caller
 * actually heard, and keeps only the heard part of the assistant's text (cut in proportion to the
 * audio heard, at a word boundary). Audio and text that arrive late for the interrupted item, or for
 * the cancelled response, never reach the caller.
 */
import type { Clock } from '../core/clock.ts';
import type { PlaybackTracker } from './playback-tracker.ts';
import type { CallTransport, EngineSession } from './ports.ts';
import type { Transcript } from './transcript.ts';

/**
 * Unplayed audio below this counts as played out: a playback report or a paced estimate a frame short
 * of the end is not worth truncating for.
 */
export const PLAYED_OUT_TOLERANCE_MS = 20;

/**
 * The part of `text` heard when `heardMs` of `totalMs` audio played: the same fraction of the
 * characters, shortened to the last whole word (never a partial word). All of it when `heardMs` reaches
 * `totalMs`; nothing when no audio was produced.
 */
export function cutTextToHeard(text: string, heardMs: number, totalMs: number): string {
  if (totalMs <= 0 || heardMs <= 0) return '';
  if (heardMs >= totalMs) return text;
  const limit = Math.floor((text.length * heardMs) / totalMs);
  let cut = limit;
  if (!isWhitespace(text[limit])) {
    cut = 0;
    for (let i = limit - 1; i >= 0; i--) {
      if (isWhitespace(text[i])) {
        cut = i;
        break;
      }
    }
  }
  return text.slice(0, cut).trimEnd();
}

function isWhitespace(char: string | undefined): boolean {
  return char !== undefined && /\s/u.test(char);
}

/** What a barge-in did, for the call's event log. */
export interface BargeInRecord {
  readonly itemId: string | null;
  readonly heardMs: number;
  readonly sentMs: number;
  readonly generatedMs: number;
}

export interface BargeInDeps {
  readonly transport: CallTransport;
  readonly engine: EngineSession;
  readonly playback: PlaybackTracker;
  readonly transcript: Transcript;
  readonly clock: Clock;
  /** Milliseconds from the call's start for a clock time. */
  readonly relMs: (atMs: number) => number;
  /**
   * The transport's queue was dropped at `atMs` with `heardMs` of item `itemId` heard (the outbound
   * converter restarts its stream; audio observers learn what never played).
   */
  readonly onCleared: (itemId: string, heardMs: number, atMs: number) => void;
}

/** Barge-in state of one call: the response in progress and the items that were cut. */
export class BargeIn {
  readonly #deps: BargeInDeps;
  readonly #interrupted = new Set<string>();
  readonly #generatedMs = new Map<string, number>();
  #responseActive = false;
  /** Items with audio in the response in progress. */
  #responseItems = new Set<string>();
  /** Output of a response cancelled by a barge-in is dropped until it is done or a new one starts. */
  #discarding = false;

  constructor(deps: BargeInDeps) {
    this.#deps = deps;
  }

  responseStarted(): void {
    this.#responseActive = true;
    this.#discarding = false;
    this.#responseItems = new Set();
  }

  responseDone(): void {
    this.#responseActive = false;
    this.#discarding = false;
  }

  /** Whether assistant audio or text for `itemId` must be dropped. */
  shouldDrop(itemId: string): boolean {
    return this.#discarding || this.#interrupted.has(itemId);
  }

  /** Counts audio the engine generated for the item (the whole against which heard text is cut). */
  audioGenerated(itemId: string, ms: number): void {
    this.#generatedMs.set(itemId, (this.#generatedMs.get(itemId) ?? 0) + ms);
    if (this.#responseActive) this.#responseItems.add(itemId);
  }

  /**
   * The caller started speaking. Interrupts the item still playing, or cancels a response that has
   * not produced audio yet; does nothing when the agent is silent. Returns what it did, or null.
   */
  callerSpeechStarted(): BargeInRecord | null {
    const nowMs = this.#deps.clock.nowMs();
    const itemId = this.#deps.playback.currentItemId;
    if (itemId !== null && !this.#interrupted.has(itemId)) {
      const unheardMs = this.#deps.playback.sentMs(itemId) - this.#deps.playback.heardMs(itemId, nowMs);
      // Played out, but its response is still generating: cut there so nothing more of it is added.
      const stillGenerating = this.#responseActive && this.#responseItems.has(itemId);
      if (unheardMs > PLAYED_OUT_TOLERANCE_MS || stillGenerating) return this.#interruptItem(itemId, nowMs);
    }
    // Nothing is playing: cancel a response still thinking, unless one was already cancelled.
    if (!this.#responseActive || this.#discarding) return null;
    this.#deps.engine.interrupt({ itemId: null, heardMs: 0 });
    this.#discarding = true;
    return { itemId: null, heardMs: 0, sentMs: 0, generatedMs: 0 };
  }

  /**
   * The call is ending while the agent talks: keeps only the heard text of the item still playing.
   * Nothing is sent to the transport or the engine (both are closing).
   */
  settleForEnd(): void {
    const nowMs = this.#deps.clock.nowMs();
    const itemId = this.#deps.playback.currentItemId;
    if (itemId === null || this.#interrupted.has(itemId)) return;
    const heardMs = this.#deps.playback.heardMs(itemId, nowMs);
    if (this.#deps.playback.sentMs(itemId) - heardMs <= PLAYED_OUT_TOLERANCE_MS) return;
    this.#cutTranscript(itemId, Math.floor(heardMs), nowMs);
  }

  #interruptItem(itemId: string, nowMs: number): BargeInRecord {
    const { transport, engine, playback } = this.#deps;
    const heardMs = Math.floor(playback.heardMs(itemId, nowMs));
    const sentMs = playback.sentMs(itemId);
    // Control overtakes media: silence the caller's side first, then stop the engine.
    transport.clear();
    playback.clear(nowMs);
    this.#deps.onCleared(itemId, heardMs, nowMs);
    engine.interrupt({ itemId, heardMs });
    if (this.#responseActive) this.#discarding = true;
    const text = this.#cutTranscript(itemId, heardMs, nowMs);
    transport.notify({ type: 'interrupted', itemId, heardMs });
    transport.notify({ type: 'assistant_text_done', itemId, text, interrupted: true });
    return { itemId, heardMs, sentMs: Math.round(sentMs), generatedMs: Math.round(this.#generated(itemId, sentMs)) };
  }

  #cutTranscript(itemId: string, heardMs: number, nowMs: number): string {
    this.#interrupted.add(itemId);
    const sentMs = this.#deps.playback.sentMs(itemId);
    const text = cutTextToHeard(this.#deps.transcript.assistantText(itemId) ?? '', heardMs, this.#generated(itemId, sentMs));
    this.#deps.transcript.assistantInterrupted(itemId, text, this.#deps.relMs(nowMs));
    return text;
  }

  /** Audio generated for the item; at least what was sent (conversion can add a few samples). */
  #generated(itemId: string, sentMs: number): number {
    return Math.max(this.#generatedMs.get(itemId) ?? 0, sentMs);
  }
}
