/** Per-frame values of the last N frames in preallocated rings, for the rolling window. */

export class FrameWindow {
  readonly size: number;
  /** Exact duration of one frame. */
  readonly frameMs: number;
  readonly sumSquares: Float64Array;
  readonly samples: Uint32Array;
  readonly peak: Uint16Array;
  readonly clipped: Uint32Array;
  readonly speech: Uint8Array;
  readonly f0: Float64Array;
  readonly nuclei: Uint8Array;
  /** Frames recorded so far (all time). */
  frames = 0;

  constructor(size: number, frameMs: number) {
    this.size = size;
    this.frameMs = frameMs;
    this.sumSquares = new Float64Array(size);
    this.samples = new Uint32Array(size);
    this.peak = new Uint16Array(size);
    this.clipped = new Uint32Array(size);
    this.speech = new Uint8Array(size);
    this.f0 = new Float64Array(size);
    this.nuclei = new Uint8Array(size);
  }

  record(sumSquares: number, samples: number, peak: number, clipped: number, speech: boolean, f0: number): void {
    const slot = this.frames % this.size;
    this.sumSquares[slot] = sumSquares;
    this.samples[slot] = samples;
    this.peak[slot] = peak;
    this.clipped[slot] = clipped;
    this.speech[slot] = speech ? 1 : 0;
    this.f0[slot] = f0;
    this.nuclei[slot] = 0;
    this.frames++;
  }

  /** Counts a syllable nucleus at `frame` if that frame is still in the window. */
  addNucleus(frame: number): void {
    if (frame < this.frames - this.size || frame >= this.frames) return;
    const slot = frame % this.size;
    this.nuclei[slot] = (this.nuclei[slot] as number) + 1;
  }

  /** Frames currently held (≤ size). */
  get held(): number {
    return Math.min(this.frames, this.size);
  }
}
