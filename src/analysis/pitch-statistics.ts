/**
 * Running F0 statistics in bounded memory: a histogram of 0.05-semitone bins (the median is read from
 * it, within 0.025 semitone, 0.15 %, of the exact one), Welford mean and variance in semitones, min, max,
 * mean Hz.
 */

import { MAX_F0_HZ, MIN_F0_HZ } from './yin-pitch.ts';

const BIN_SEMITONES = 0.05;
const REFERENCE_HZ = MIN_F0_HZ;
const BINS = Math.ceil((12 * Math.log2(MAX_F0_HZ / REFERENCE_HZ)) / BIN_SEMITONES) + 1;

export function hzToSemitones(hz: number): number {
  return 12 * Math.log2(hz / REFERENCE_HZ);
}

export class PitchStatistics {
  readonly #histogram = new Uint32Array(BINS);
  #count = 0;
  #sumHz = 0;
  #meanSemitones = 0;
  #m2 = 0;
  #minHz = Infinity;
  #maxHz = 0;

  add(hz: number): void {
    const semitones = hzToSemitones(hz);
    const bin = Math.min(BINS - 1, Math.max(0, Math.round(semitones / BIN_SEMITONES)));
    this.#histogram[bin] = (this.#histogram[bin] as number) + 1;
    this.#count++;
    this.#sumHz += hz;
    const delta = semitones - this.#meanSemitones;
    this.#meanSemitones += delta / this.#count;
    this.#m2 += delta * (semitones - this.#meanSemitones);
    if (hz < this.#minHz) this.#minHz = hz;
    if (hz > this.#maxHz) this.#maxHz = hz;
  }

  get count(): number {
    return this.#count;
  }

  medianHz(): number | null {
    if (this.#count === 0) return null;
    const half = this.#count / 2;
    let cumulative = 0;
    for (let bin = 0; bin < BINS; bin++) {
      cumulative += this.#histogram[bin] as number;
      if (cumulative >= half) return REFERENCE_HZ * 2 ** ((bin * BIN_SEMITONES) / 12);
    }
    return null;
  }

  meanHz(): number | null {
    return this.#count === 0 ? null : this.#sumHz / this.#count;
  }

  minHz(): number | null {
    return this.#count === 0 ? null : this.#minHz;
  }

  maxHz(): number | null {
    return this.#count === 0 ? null : this.#maxHz;
  }

  /** Sample standard deviation in semitones. */
  variabilitySemitones(): number | null {
    return this.#count < 2 ? null : Math.sqrt(this.#m2 / (this.#count - 1));
  }
}

/** The same statistics over a small set of values (the rolling window), sorting `scratch` in place. */
export function summarisePitch(scratch: Float64Array, count: number): {
  medianHz: number | null;
  meanHz: number | null;
  minHz: number | null;
  maxHz: number | null;
  variabilitySemitones: number | null;
} {
  if (count === 0) return { medianHz: null, meanHz: null, minHz: null, maxHz: null, variabilitySemitones: null };
  const values = scratch.subarray(0, count).sort();
  const middle = count >> 1;
  const medianHz = count % 2 === 1 ? (values[middle] as number) : ((values[middle - 1] as number) + (values[middle] as number)) / 2;
  let sum = 0;
  let sumSemitones = 0;
  for (const hz of values) {
    sum += hz;
    sumSemitones += hzToSemitones(hz);
  }
  const meanSemitones = sumSemitones / count;
  let squares = 0;
  for (const hz of values) squares += (hzToSemitones(hz) - meanSemitones) ** 2;
  return {
    medianHz,
    meanHz: sum / count,
    minHz: values[0] as number,
    maxHz: values[count - 1] as number,
    variabilitySemitones: count < 2 ? null : Math.sqrt(squares / (count - 1)),
  };
}
