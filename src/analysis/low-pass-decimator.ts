/**
 * Low-passes PCM16 at 1 kHz (two cascaded Butterworth biquads, 4th order) and keeps every `factor`-th
 * sample, for pitch and the syllable envelope: F0 (≤ 400 Hz) and vowel energy (F1) live below 1 kHz,
 * fricatives and formant detail above it only disturb both. The factor brings the rate to 8 kHz or
 * more (16 kHz → 8 kHz, 48 kHz → 8 kHz, 44.1 kHz → 8.82 kHz, 8 kHz stays).
 */

const CUTOFF_HZ = 1000;
/** Q of the two sections of a 4th-order Butterworth. */
const SECTION_Q = [0.5411961, 1.3065630] as const;

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
  z1: number;
  z2: number;
}

function lowPassSection(sampleRateHz: number, q: number): Biquad {
  const w0 = (2 * Math.PI * CUTOFF_HZ) / sampleRateHz;
  const alpha = Math.sin(w0) / (2 * q);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  return {
    b0: (1 - cos) / 2 / a0,
    b1: (1 - cos) / a0,
    b2: (1 - cos) / 2 / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
    z1: 0,
    z2: 0,
  };
}

export class LowPassDecimator {
  readonly factor: number;
  readonly outputRateHz: number;
  readonly #first: Biquad;
  readonly #second: Biquad;
  #phase = 0;

  constructor(sampleRateHz: number) {
    this.factor = Math.max(1, Math.floor(sampleRateHz / 8000));
    this.outputRateHz = sampleRateHz / this.factor;
    this.#first = lowPassSection(sampleRateHz, SECTION_Q[0]);
    this.#second = lowPassSection(sampleRateHz, SECTION_Q[1]);
  }

  /** Most output samples `process` can write for `inputLength` input samples. */
  maxOutputLength(inputLength: number): number {
    return Math.ceil(inputLength / this.factor);
  }

  /**
   * Filters `input[start, end)` (sample units, unscaled) into `output` from index 0; returns the number
   * of samples written. Filter state and decimation phase carry across calls.
   */
  process(input: Int16Array, start: number, end: number, output: Float32Array): number {
    const f = this.#first;
    const s = this.#second;
    const factor = this.factor;
    let phase = this.#phase;
    let written = 0;
    for (let i = start; i < end; i++) {
      // Transposed direct form II, two sections.
      const x = input[i] ?? 0;
      const y1 = f.b0 * x + f.z1;
      f.z1 = f.b1 * x - f.a1 * y1 + f.z2;
      f.z2 = f.b2 * x - f.a2 * y1;
      const y2 = s.b0 * y1 + s.z1;
      s.z1 = s.b1 * y1 - s.a1 * y2 + s.z2;
      s.z2 = s.b2 * y1 - s.a2 * y2;
      if (phase === 0) output[written++] = y2;
      phase = phase + 1 === factor ? 0 : phase + 1;
    }
    this.#phase = phase;
    // Denormals would slow the filter to a crawl after long silence.
    if (Math.abs(f.z1) < 1e-20) f.z1 = 0;
    if (Math.abs(f.z2) < 1e-20) f.z2 = 0;
    if (Math.abs(s.z1) < 1e-20) s.z1 = 0;
    if (Math.abs(s.z2) < 1e-20) s.z2 = 0;
    return written;
  }
}
