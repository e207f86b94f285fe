/**
 * Energy voice activity detection over an adaptive noise floor, and the speech segments and pauses it
 * implies. Per frame (20–32 ms) it takes the frame's RMS level in dBFS:
 *
 * - the noise floor follows quiet frames down quickly and up slowly (fast while not speaking, very slowly
 *   while speaking); if no frame in the last 3 s came within ONSET_DB of it, the floor jumps to that
 *   3-second minimum (the noise got louder: stationary sound is not speech);
 * - a frame is speech when it is at least ONSET_DB over the floor (OFFSET_DB once speech has started,
 *   hysteresis) and over an absolute gate; runs of speech shorter than MIN_RUN_MS are clicks, not speech;
 * - runs separated by less than `minPauseMs` belong to one segment (that bridging is the hangover of the
 *   segment view); a gap of at least `minPauseMs` between segments is a pause. Silence before the first
 *   and after the last speech is not a pause.
 */

import { SILENCE_DBFS, type Pause, type SpeechSegment } from './types.ts';

const ONSET_DB = 10;
const OFFSET_DB = 6;
const ABSOLUTE_GATE_DBFS = -55;
/** The starting floor is the first frame's level, but never above this (a stream may start with speech). */
const INITIAL_FLOOR_CAP_DBFS = -45;
const MIN_RUN_MS = 60;
const HANGOVER_MS = 200;
const FLOOR_WINDOW_MS = 3000;
const FLOOR_BLOCK_MS = 500;
const KEPT_ITEMS = 1000;

export interface VoiceActivityOptions {
  readonly frameMs: number;
  readonly minPauseMs: number;
  readonly longPauseMs: number;
}

export class VoiceActivity {
  readonly #frameMs: number;
  readonly #minPauseMs: number;
  readonly #longPauseMs: number;
  readonly #minRunFrames: number;
  readonly #hangoverFrames: number;
  readonly #floorBlockFrames: number;
  readonly #blockMinima: Float64Array;
  #blockMin = Infinity;
  #blockFrames = 0;
  #blocksFilled = 0;
  #blockIndex = 0;

  #floorDb = Number.NaN;
  #frame = 0;
  #inRun = false;
  #previousSecondHalfDbfs = SILENCE_DBFS;
  #runStartFrame = 0;
  #runStart = 0;
  #lastSpeechFrame = -Infinity;
  /** The current (open) segment, in frames; `#openStart < 0` when none yet. */
  #openStart = -1;
  #openEnd = 0;
  #closedSpeechFrames = 0;
  #firstSpeechFrame = -1;
  readonly #segments: SpeechSegment[] = [];
  readonly #pauses: Pause[] = [];
  #pauseCount = 0;
  #pauseTotalMs = 0;
  #longestPauseMs = 0;
  #longPauseCount = 0;

  constructor(options: VoiceActivityOptions) {
    this.#frameMs = options.frameMs;
    this.#minPauseMs = options.minPauseMs;
    this.#longPauseMs = options.longPauseMs;
    this.#minRunFrames = Math.ceil(MIN_RUN_MS / options.frameMs);
    this.#hangoverFrames = Math.round(HANGOVER_MS / options.frameMs);
    this.#floorBlockFrames = Math.round(FLOOR_BLOCK_MS / options.frameMs);
    this.#blockMinima = new Float64Array(Math.round(FLOOR_WINDOW_MS / FLOOR_BLOCK_MS));
  }

  /**
   * Takes one frame's RMS level (and the levels of its two halves, which place the edges of speech to
   * half a frame); returns whether the frame is speech (before the click filter).
   */
  update(levelDbfs: number, firstHalfDbfs = levelDbfs, secondHalfDbfs = levelDbfs): boolean {
    const level = Math.max(SILENCE_DBFS, levelDbfs);
    if (Number.isNaN(this.#floorDb)) this.#floorDb = Math.min(level, INITIAL_FLOOR_CAP_DBFS);
    const floor = this.#floorDb;
    const speech = level >= ABSOLUTE_GATE_DBFS && level >= floor + (this.#inRun ? OFFSET_DB : ONSET_DB);
    const index = this.#frame++;
    if (speech) {
      if (!this.#inRun) {
        this.#inRun = true;
        this.#runStartFrame = index;
        // Speech may have begun in the second half of the previous frame, or only in this one's second half.
        this.#runStart = this.#audible(this.#previousSecondHalfDbfs) ? index - 0.5 : this.#audible(firstHalfDbfs) ? index : index + 0.5;
      }
      this.#lastSpeechFrame = index;
    } else if (this.#inRun) {
      this.#inRun = false;
      // Speech may last into this frame's first half, or have ended with the previous frame's first half.
      const end = this.#audible(firstHalfDbfs) ? index + 0.5 : this.#audible(this.#previousSecondHalfDbfs) ? index : index - 0.5;
      // The click filter counts whole frames of speech (the half-frame edges only place the run), and
      // only isolates: a short run close after speech (a final plosive's release) belongs to it.
      const joins = this.#openStart >= 0 && (this.#runStart - this.#openEnd) * this.#frameMs < this.#minPauseMs;
      if (joins || index - this.#runStartFrame >= this.#minRunFrames) this.#addRun(this.#runStart, end);
    }
    this.#previousSecondHalfDbfs = secondHalfDbfs;
    this.#adaptFloor(level, speech);
    return speech;
  }

  /** Whether half a frame at `halfDbfs` still sounds like speech (the offset threshold). */
  #audible(halfDbfs: number): boolean {
    return halfDbfs >= ABSOLUTE_GATE_DBFS && halfDbfs >= this.#floorDb + OFFSET_DB;
  }

  #adaptFloor(level: number, speech: boolean): void {
    const floor = this.#floorDb;
    if (level < floor) this.#floorDb = floor + (level - floor) * 0.5;
    else if (!speech) this.#floorDb = floor + (level - floor) * 0.05;
    else this.#floorDb = floor + 0.005;
    if (level < this.#blockMin) this.#blockMin = level;
    if (++this.#blockFrames < this.#floorBlockFrames) return;
    const blocks = this.#blockMinima;
    blocks[this.#blockIndex] = this.#blockMin;
    this.#blockIndex = (this.#blockIndex + 1) % blocks.length;
    this.#blocksFilled = Math.min(blocks.length, this.#blocksFilled + 1);
    this.#blockMin = Infinity;
    this.#blockFrames = 0;
    if (this.#blocksFilled < blocks.length) return;
    let min = Infinity;
    for (const value of blocks) if (value < min) min = value;
    if (min > this.#floorDb + ONSET_DB) this.#floorDb = min;
  }

  #addRun(start: number, end: number): void {
    if (this.#firstSpeechFrame < 0) this.#firstSpeechFrame = start;
    if (this.#openStart >= 0 && (start - this.#openEnd) * this.#frameMs < this.#minPauseMs) {
      this.#openEnd = end;
      return;
    }
    if (this.#openStart >= 0) {
      this.#closedSpeechFrames += this.#openEnd - this.#openStart;
      this.#keep(this.#segments, { startMs: this.#ms(this.#openStart), endMs: this.#ms(this.#openEnd) });
      this.#addPause(this.#openEnd, start);
    }
    this.#openStart = start;
    this.#openEnd = end;
  }

  /** Start of frame `frame` in whole milliseconds (frames need not be a whole number of ms long). */
  #ms(frame: number): number {
    return Math.round(frame * this.#frameMs);
  }

  #addPause(startFrame: number, endFrame: number): void {
    const durationMs = this.#ms(endFrame) - this.#ms(startFrame);
    const long = durationMs >= this.#longPauseMs;
    this.#pauseCount++;
    this.#pauseTotalMs += durationMs;
    if (durationMs > this.#longestPauseMs) this.#longestPauseMs = durationMs;
    if (long) this.#longPauseCount++;
    this.#keep(this.#pauses, { startMs: this.#ms(startFrame), endMs: this.#ms(endFrame), durationMs, long });
  }

  #keep<T>(list: T[], item: T): void {
    if (list.length >= KEPT_ITEMS) list.shift();
    list.push(item);
  }

  /** The segment view including the run in progress (a run too short to count yet is left out). */
  #current(): { start: number; end: number } | undefined {
    let start = this.#openStart;
    let end = this.#openEnd;
    if (this.#inRun && this.#frame - this.#runStartFrame >= this.#minRunFrames) {
      if (start < 0 || (this.#runStart - end) * this.#frameMs >= this.#minPauseMs) start = this.#runStart;
      end = this.#frame;
    }
    return start < 0 ? undefined : { start, end };
  }

  get noiseFloorDbfs(): number {
    return Number.isNaN(this.#floorDb) ? SILENCE_DBFS : this.#floorDb;
  }

  get analysedMs(): number {
    return this.#ms(this.#frame);
  }

  /** Speech now, or within the 200 ms hangover of the last speech frame. */
  get speakingNow(): boolean {
    return this.#frame - 1 - this.#lastSpeechFrame <= this.#hangoverFrames;
  }

  /** Time inside speech segments (pauses excluded, gaps under `minPauseMs` included). */
  get speakingMs(): number {
    const current = this.#current();
    let frames = this.#closedSpeechFrames;
    if (current) {
      frames += current.end - current.start;
      // A run in progress that opened a new segment: the open segment is closed but not yet counted.
      if (current.start !== this.#openStart && this.#openStart >= 0) frames += this.#openEnd - this.#openStart;
    }
    return Math.round(frames * this.#frameMs);
  }

  /** From the first speech to the last speech, or 0. */
  get talkSpanMs(): number {
    const current = this.#current();
    return current && this.#firstSpeechFrame >= 0 ? this.#ms(current.end) - this.#ms(this.#firstSpeechFrame) : 0;
  }

  segments(): SpeechSegment[] {
    const list = this.#segments.slice();
    const current = this.#current();
    if (current && current.start !== this.#openStart && this.#openStart >= 0) {
      list.push({ startMs: this.#ms(this.#openStart), endMs: this.#ms(this.#openEnd) });
    }
    if (current) list.push({ startMs: this.#ms(current.start), endMs: this.#ms(current.end) });
    while (list.length > KEPT_ITEMS) list.shift();
    return list;
  }

  /** The pauses, including one ended by a run of speech still in progress. */
  pauses(): { count: number; totalMs: number; longestMs: number; longCount: number; list: Pause[] } {
    const list = this.#pauses.slice();
    const current = this.#current();
    if (!current || current.start === this.#openStart || this.#openStart < 0) {
      return { count: this.#pauseCount, totalMs: this.#pauseTotalMs, longestMs: this.#longestPauseMs, longCount: this.#longPauseCount, list };
    }
    const durationMs = this.#ms(current.start) - this.#ms(this.#openEnd);
    const long = durationMs >= this.#longPauseMs;
    list.push({ startMs: this.#ms(this.#openEnd), endMs: this.#ms(current.start), durationMs, long });
    if (list.length > KEPT_ITEMS) list.shift();
    return {
      count: this.#pauseCount + 1,
      totalMs: this.#pauseTotalMs + durationMs,
      longestMs: Math.max(this.#longestPauseMs, durationMs),
      longCount: this.#longPauseCount + (long ? 1 : 0),
      list,
    };
  }
}
