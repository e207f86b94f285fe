/**
 * Words per minute from the transcript. With word timing, the time base is the words' own speaking
 * time: word intervals merged across gaps shorter than `minPauseMs` (as the VAD merges speech runs).
 * Without timing, the caller divides the word count by the VAD's speaking time.
 */

import type { TimedWord } from './types.ts';

export class TranscriptRate {
  readonly #minPauseMs: number;
  #words = 0;
  #timedWords = 0;
  #closedMs = 0;
  #spanStart = -1;
  #spanEnd = 0;

  constructor(minPauseMs: number) {
    this.#minPauseMs = minPauseMs;
  }

  get words(): number {
    return this.#words;
  }

  /** Every word so far came with a start and an end. */
  get allTimed(): boolean {
    return this.#words > 0 && this.#timedWords === this.#words;
  }

  /** Speaking time covered by timed words. */
  get timedSpeakingMs(): number {
    return this.#closedMs + (this.#spanStart >= 0 ? this.#spanEnd - this.#spanStart : 0);
  }

  add(word: TimedWord): void {
    this.#words++;
    const { startMs, endMs } = word;
    if (startMs === undefined || endMs === undefined || !(endMs >= startMs)) return;
    this.#timedWords++;
    if (this.#spanStart >= 0 && startMs - this.#spanEnd < this.#minPauseMs) {
      this.#spanEnd = Math.max(this.#spanEnd, endMs);
      return;
    }
    if (this.#spanStart >= 0) this.#closedMs += this.#spanEnd - this.#spanStart;
    this.#spanStart = startMs;
    this.#spanEnd = endMs;
  }
}
