/**
 * YIN fundamental-frequency estimator (de Cheveigné & Kawahara, 2002) over the low-passed, decimated
 * signal: difference function, cumulative-mean normalisation, absolute threshold, parabolic
 * interpolation around the chosen lag. Search range 60–400 Hz. Buffers are allocated once.
 */

export const MIN_F0_HZ = 60;
export const MAX_F0_HZ = 400;
/** First dip of the normalised difference under this is taken (the paper's 0.1–0.15). */
const THRESHOLD = 0.15;
/** Without a dip under THRESHOLD, the global minimum still counts when under this (breathy voice). */
const FALLBACK_THRESHOLD = 0.3;
const INTEGRATION_MS = 25;

export class YinPitch {
  readonly rateHz: number;
  readonly #minLag: number;
  readonly #maxLag: number;
  readonly #window: number;
  /** The most recent `#window + #maxLag + 1` samples, oldest first. */
  readonly #history: Float32Array;
  readonly #difference: Float64Array;
  #filled = 0;

  constructor(rateHz: number) {
    this.rateHz = rateHz;
    this.#minLag = Math.max(2, Math.floor(rateHz / MAX_F0_HZ));
    this.#maxLag = Math.ceil(rateHz / MIN_F0_HZ) + 1;
    this.#window = Math.round((rateHz * INTEGRATION_MS) / 1000);
    this.#history = new Float32Array(this.#window + this.#maxLag + 1);
    this.#difference = new Float64Array(this.#maxLag + 1);
  }

  /** Appends `samples[0, length)` to the history (the estimator looks at the most recent samples). */
  append(samples: Float32Array, length: number): void {
    const history = this.#history;
    const size = history.length;
    if (length >= size) {
      history.set(samples.subarray(length - size, length));
      this.#filled = size;
      return;
    }
    history.copyWithin(0, length);
    history.set(samples.subarray(0, length), size - length);
    this.#filled = Math.min(size, this.#filled + length);
  }

  /** F0 of the most recent samples in Hz, or 0 when they are not periodic enough (or not enough yet). */
  estimate(): number {
    const x = this.#history;
    if (this.#filled < x.length) return 0;
    const w = this.#window;
    const maxLag = this.#maxLag;
    const d = this.#difference;
    // Cumulative mean normalised difference, computed in place.
    let running = 0;
    d[0] = 1;
    for (let tau = 1; tau <= maxLag; tau++) {
      let sum = 0;
      for (let j = 0; j < w; j++) {
        const delta = (x[j] as number) - (x[j + tau] as number);
        sum += delta * delta;
      }
      running += sum;
      d[tau] = running > 0 ? (sum * tau) / running : 1;
    }
    let best = -1;
    for (let tau = this.#minLag; tau < maxLag; tau++) {
      if ((d[tau] as number) < THRESHOLD) {
        while (tau + 1 < maxLag && (d[tau + 1] as number) < (d[tau] as number)) tau++;
        best = tau;
        break;
      }
    }
    if (best < 0) {
      let min = FALLBACK_THRESHOLD;
      for (let tau = this.#minLag; tau < maxLag; tau++) {
        const value = d[tau] as number;
        if (value < min) {
          min = value;
          best = tau;
        }
      }
      if (best < 0) return 0;
    }
    const before = d[best - 1] as number;
    const at = d[best] as number;
    const after = d[best + 1] as number;
    const curvature = before - 2 * at + after;
    const shift = curvature > 0 ? (0.5 * (before - after)) / curvature : 0;
    const lag = best + (Math.abs(shift) < 1 ? shift : 0);
    const f0 = this.rateHz / lag;
    return f0 >= MIN_F0_HZ && f0 <= MAX_F0_HZ ? f0 : 0;
  }
}
