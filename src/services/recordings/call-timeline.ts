/**
 * The two tracks of a call recording on one sample clock (frame 0 = the recording's origin), before
 * they are written to disk: left = caller, right = agent. Pure (no I/O, no clock): the recorder passes
 * times in and renders final frames out.
 *
 * Placement:
 * - caller audio is placed by arrival: a chunk of n samples arriving at t covers [t − n, t). Chunks
 *   follow each other without gaps unless the arrival leaves a hole longer than `gapToleranceMs`
 *   (the caller stopped sending), which becomes silence. Jitter therefore never tears the audio, and
 *   the track stays on its least-delayed arrivals (a late chunk is followed, not waited for).
 * - agent audio is sent faster than real time and plays at max(time sent, end of the agent audio
 *   before it): the same pacing as the runtime's playback tracker.
 * - a barge-in cut drops every agent sample after the heard position: what was never heard is absent.
 * - nothing is placed before the frames already rendered (late audio moves forward, never overwrites).
 *
 * Memory holds only what is not yet rendered: the caller's last moments and agent audio queued ahead.
 */

/** Samples of one track waiting to be rendered; tracks never overlap themselves. */
interface Segment {
  start: number;
  samples: Int16Array;
  readonly itemId: string | null;
}

class Track {
  readonly segments: Segment[] = [];
  /** End (exclusive frame) of the last sample placed. */
  end = 0;
  heldSamples = 0;

  place(start: number, samples: Int16Array, itemId: string | null): void {
    this.segments.push({ start, samples, itemId });
    this.end = start + samples.length;
    this.heldSamples += samples.length;
  }

  /** Drops every sample at or after frame `cut`. */
  truncate(cut: number): void {
    while (this.segments.length > 0) {
      const last = this.segments[this.segments.length - 1];
      if (last === undefined || last.start + last.samples.length <= cut) break;
      if (last.start >= cut) {
        this.segments.pop();
        this.heldSamples -= last.samples.length;
        continue;
      }
      const keep = cut - last.start;
      this.heldSamples -= last.samples.length - keep;
      last.samples = last.samples.subarray(0, keep);
      break;
    }
    this.end = Math.min(this.end, cut);
  }

  /** Copies frames [from, to) of this track into channel `channel` of interleaved stereo `out`; frees what is done. */
  render(from: number, to: number, out: Int16Array, channel: number): void {
    let done = 0;
    for (const segment of this.segments) {
      const segmentEnd = segment.start + segment.samples.length;
      if (segment.start >= to) break;
      const first = Math.max(segment.start, from);
      const last = Math.min(segmentEnd, to);
      for (let frame = first; frame < last; frame++) {
        out[2 * (frame - from) + channel] = segment.samples[frame - segment.start] ?? 0;
      }
      if (segmentEnd <= to) done += 1;
      else break;
    }
    for (const segment of this.segments.splice(0, done)) this.heldSamples -= segment.samples.length;
    const head = this.segments[0];
    if (head !== undefined && head.start < to) {
      // Keep only the part not rendered yet, so the held count stays exact.
      const skip = to - head.start;
      this.heldSamples -= skip;
      head.samples = head.samples.subarray(skip);
      head.start = to;
    }
  }
}

export interface CallTimelineOptions {
  readonly sampleRateHz: number;
  /** Clock time of frame 0. */
  readonly originMs: number;
  /** A caller hole longer than this is kept as silence; shorter ones are jitter and closed up. */
  readonly gapToleranceMs: number;
  /** Agent audio may be queued at most this far ahead of now; more is dropped (and counted). */
  readonly maxAheadMs: number;
}

/** Two tracks, placed by the rules in the module comment, rendered in order as interleaved stereo. */
export class CallTimeline {
  readonly sampleRateHz: number;
  readonly #originMs: number;
  readonly #gapToleranceFrames: number;
  readonly #maxAheadFrames: number;
  readonly #caller = new Track();
  readonly #agent = new Track();
  /** Samples placed per recent agent item (for cuts at a heard position). */
  readonly #itemPlaced = new Map<string, number>();
  #rendered = 0;
  #droppedFrames = 0;

  constructor(options: CallTimelineOptions) {
    this.sampleRateHz = options.sampleRateHz;
    this.#originMs = options.originMs;
    this.#gapToleranceFrames = this.#frames(options.gapToleranceMs);
    this.#maxAheadFrames = this.#frames(options.maxAheadMs);
  }

  /** Frames rendered so far (the next frame to render). */
  get renderedFrames(): number {
    return this.#rendered;
  }

  /** Samples of both tracks held in memory, waiting to be rendered. */
  get heldSamples(): number {
    return this.#caller.heldSamples + this.#agent.heldSamples;
  }

  /** Frames of audio refused because they were too far ahead (a misbehaving client or engine). */
  get droppedFrames(): number {
    return this.#droppedFrames;
  }

  /** The last frame either track holds audio for. */
  get endFrame(): number {
    return Math.max(this.#caller.end, this.#agent.end, this.#rendered);
  }

  /** Frame index of clock time `atMs`. */
  frameAt(atMs: number): number {
    return Math.max(0, this.#frames(atMs - this.#originMs));
  }

  /** Caller samples that arrived at `atMs` (the timeline keeps the array: do not reuse it). */
  placeCaller(samples: Int16Array, atMs: number): void {
    if (samples.length === 0) return;
    const now = this.frameAt(atMs);
    const expected = now - samples.length;
    let start = this.#caller.end;
    if (this.#caller.segments.length === 0 && this.#caller.end === 0) start = expected; // the first chunk
    else if (expected > start + this.#gapToleranceFrames) start = expected;
    start = Math.max(start, this.#rendered);
    if (start + samples.length > now + this.#maxAheadFrames) {
      this.#droppedFrames += samples.length;
      return;
    }
    this.#caller.place(start, samples, null);
  }

  /** Agent samples of item `itemId` handed to the transport at `atMs` (kept: do not reuse the array). */
  placeAgent(itemId: string, samples: Int16Array, atMs: number): void {
    if (samples.length === 0) return;
    const now = this.frameAt(atMs);
    const start = Math.max(now, this.#agent.end, this.#rendered);
    if (start + samples.length > now + this.#maxAheadFrames) {
      this.#droppedFrames += samples.length;
      return;
    }
    this.#agent.place(start, samples, itemId);
    if (!this.#itemPlaced.has(itemId)) {
      this.#itemPlaced.set(itemId, 0);
      // Only the latest items can be cut; forget the rest.
      if (this.#itemPlaced.size > 8) this.#itemPlaced.delete(this.#itemPlaced.keys().next().value ?? itemId);
    }
    this.#itemPlaced.set(itemId, (this.#itemPlaced.get(itemId) ?? 0) + samples.length);
  }

  /**
   * Barge-in: only the first `heardMs` of item `itemId` was heard; every agent sample placed after that
   * point (of this item or queued behind it) is dropped. Audio already rendered stays.
   */
  cutAgent(itemId: string, heardMs: number): void {
    this.#agent.truncate(Math.max(this.#rendered, this.#heardEnd(itemId, this.#frames(heardMs))));
  }

  /** The call ended at `atMs`: agent audio that would have played after it was never heard. */
  endAt(atMs: number): void {
    this.#agent.truncate(Math.max(this.#rendered, this.frameAt(atMs)));
  }

  /** Forgets everything not rendered yet (a recording abandoned). */
  discard(): void {
    this.#caller.truncate(this.#rendered);
    this.#agent.truncate(this.#rendered);
  }

  /**
   * Renders frames [renderedFrames, renderedFrames + frames) as interleaved stereo (L = caller,
   * R = agent, silence where neither spoke) into `out` (at least 2 × frames long) and returns the
   * filled part. Those frames are final: later audio is never placed before them.
   */
  render(frames: number, out: Int16Array): Int16Array {
    const from = this.#rendered;
    const to = from + frames;
    const view = out.subarray(0, 2 * frames);
    view.fill(0);
    this.#caller.render(from, to, view, 0);
    this.#agent.render(from, to, view, 1);
    this.#rendered = to;
    return view;
  }

  /** The frame just after the `heardFrames`-th frame of the item's audio still held, or the track end. */
  #heardEnd(itemId: string, heardFrames: number): number {
    const placed = this.#itemPlaced.get(itemId);
    if (placed === undefined) return this.#agent.end;
    let held = 0;
    for (const segment of this.#agent.segments) if (segment.itemId === itemId) held += segment.samples.length;
    let count = placed - held; // samples of the item already rendered
    if (heardFrames <= count) return this.#rendered;
    for (const segment of this.#agent.segments) {
      if (segment.itemId !== itemId) continue;
      if (count + segment.samples.length >= heardFrames) return segment.start + (heardFrames - count);
      count += segment.samples.length;
    }
    return this.#agent.end;
  }

  #frames(ms: number): number {
    return Math.round((ms * this.sampleRateHz) / 1000);
  }
}
