/**
 * Streaming rational-ratio resampler for PCM16 mono: a Kaiser-windowed-sinc low-pass FIR run as a
 * polyphase filter (upsample by L, filter, decimate by M, without computing the discarded samples).
 *
 * The filter's stopband starts at the lower rate's Nyquist frequency, so it removes both aliases when
 * decimating (24 kHz → 8 kHz) and images when interpolating (8 kHz → 24 kHz). With the defaults
 * (passband to 0.85 × that Nyquist, 70 dB stopband) 24 kHz ↔ 8 kHz keeps 0–3.4 kHz flat and uses
 * 58 taps per output sample when interpolating and 174 when decimating.
 *
 * The output depends only on the input sequence, never on how it was split into chunks: processing a
 * signal in pieces of any size gives bit-identical output to processing it whole.
 */

import { AppError } from '../core/errors.ts';

/** Filter design knobs; the defaults suit speech at every product rate. */
export interface ResamplerOptions {
  /** Stopband attenuation in dB (default 70, range 20–150). More costs taps linearly. */
  readonly stopbandAttenuationDb?: number;
  /** Passband edge as a fraction of the lower rate's Nyquist frequency (default 0.85, range 0.5–0.98). */
  readonly passbandFraction?: number;
}

interface PolyphaseFilter {
  readonly upFactor: number;
  readonly downFactor: number;
  readonly tapsPerPhase: number;
  /** Prototype length N = upFactor × tapsPerPhase, at rate inputRate × upFactor. */
  readonly prototypeLength: number;
  /** Phase p occupies [p·T, (p+1)·T), time-reversed so the dot product walks forward through history. */
  readonly coefficients: Float64Array;
  readonly prototypeRateHz: number;
}

const MAX_FACTOR = 1000;
const filterCache = new Map<string, PolyphaseFilter>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; term > 1e-14 * sum; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

function designFilter(inputRateHz: number, outputRateHz: number, attenuationDb: number, passbandFraction: number): PolyphaseFilter {
  const divisor = gcd(inputRateHz, outputRateHz);
  const upFactor = outputRateHz / divisor;
  const downFactor = inputRateHz / divisor;
  const prototypeRateHz = inputRateHz * upFactor;
  if (upFactor === 1 && downFactor === 1) {
    return { upFactor, downFactor, tapsPerPhase: 1, prototypeLength: 1, coefficients: new Float64Array([1]), prototypeRateHz };
  }
  const nyquistHz = Math.min(inputRateHz, outputRateHz) / 2;
  const passHz = passbandFraction * nyquistHz;
  const transitionRad = (2 * Math.PI * (nyquistHz - passHz)) / prototypeRateHz;
  const estimate = Math.ceil((attenuationDb - 7.95) / (2.285 * transitionRad)) + 1; // Kaiser's length formula
  const tapsPerPhase = Math.max(2, Math.ceil(estimate / upFactor));
  const length = tapsPerPhase * upFactor;
  const cutoff = (passHz + nyquistHz) / 2 / prototypeRateHz; // cycles per prototype sample, the −6 dB point
  const beta = kaiserBeta(attenuationDb);
  const centre = (length - 1) / 2;
  const prototype = new Float64Array(length);
  let sum = 0;
  for (let k = 0; k < length; k++) {
    const t = k - centre;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const r = (k - centre) / centre;
    const value = (sinc * besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r)))) / besselI0(beta);
    prototype[k] = value;
    sum += value;
  }
  // Zero-stuffing divides the level by L; a DC gain of L restores it.
  const scale = upFactor / sum;
  const coefficients = new Float64Array(length);
  for (let phase = 0; phase < upFactor; phase++) {
    for (let m = 0; m < tapsPerPhase; m++) {
      coefficients[phase * tapsPerPhase + m] = (prototype[phase + (tapsPerPhase - 1 - m) * upFactor] ?? 0) * scale;
    }
  }
  return { upFactor, downFactor, tapsPerPhase, prototypeLength: length, coefficients, prototypeRateHz };
}

function cachedFilter(inputRateHz: number, outputRateHz: number, options: ResamplerOptions): PolyphaseFilter {
  const attenuationDb = options.stopbandAttenuationDb ?? 70;
  const passbandFraction = options.passbandFraction ?? 0.85;
  if (!(attenuationDb >= 20 && attenuationDb <= 150)) {
    throw new RangeError(`stopbandAttenuationDb must be within 20–150, got ${attenuationDb}`);
  }
  if (!(passbandFraction >= 0.5 && passbandFraction <= 0.98)) {
    throw new RangeError(`passbandFraction must be within 0.5–0.98, got ${passbandFraction}`);
  }
  const key = `${inputRateHz}:${outputRateHz}:${attenuationDb}:${passbandFraction}`;
  let filter = filterCache.get(key);
  if (filter === undefined) {
    filter = designFilter(inputRateHz, outputRateHz, attenuationDb, passbandFraction);
    filterCache.set(key, filter);
  }
  return filter;
}

function assertRate(rateHz: number, name: string): void {
  if (!Number.isSafeInteger(rateHz) || rateHz <= 0 || rateHz > 768_000) {
    throw new AppError('invalid_audio', `${name} must be a positive integer number of Hz, got ${rateHz}`);
  }
}

/**
 * A stateful resampler for one direction of one stream. Not shareable between streams; create one per
 * call leg (filters are designed once per rate pair and cached, so construction is cheap).
 */
export class Resampler {
  readonly inputRateHz: number;
  readonly outputRateHz: number;
  /** FIR taps evaluated per output sample. */
  readonly tapsPerPhase: number;
  /** Group delay (linear phase) in output samples; may be fractional. 0 for equal rates. */
  readonly groupDelayOutputSamples: number;
  /** Group delay in milliseconds. */
  readonly groupDelayMs: number;

  readonly #filter: PolyphaseFilter;
  /** Samples of history kept between calls (T − 1); the buffer's first `#historyLength` slots. */
  readonly #historyLength: number;
  #buffer: Float64Array;
  /** Buffer index of the newest input sample the next output needs. */
  #position: number;
  /** Polyphase branch of the next output, 0 ≤ phase < upFactor. */
  #phase = 0;
  /** Whether any input arrived since construction or the last reset (else flush has nothing to emit). */
  #primed = false;

  constructor(inputRateHz: number, outputRateHz: number, options: ResamplerOptions = {}) {
    assertRate(inputRateHz, 'inputRateHz');
    assertRate(outputRateHz, 'outputRateHz');
    const divisor = gcd(inputRateHz, outputRateHz);
    if (inputRateHz / divisor > MAX_FACTOR || outputRateHz / divisor > MAX_FACTOR) {
      throw new AppError('invalid_audio', `cannot resample ${inputRateHz} Hz to ${outputRateHz} Hz: ratio too complex`);
    }
    this.inputRateHz = inputRateHz;
    this.outputRateHz = outputRateHz;
    this.#filter = cachedFilter(inputRateHz, outputRateHz, options);
    this.tapsPerPhase = this.#filter.tapsPerPhase;
    const delayPrototypeSamples = (this.#filter.prototypeLength - 1) / 2;
    this.groupDelayOutputSamples = delayPrototypeSamples / this.#filter.downFactor;
    this.groupDelayMs = (delayPrototypeSamples * 1000) / this.#filter.prototypeRateHz;
    this.#historyLength = this.tapsPerPhase - 1;
    this.#buffer = new Float64Array(this.#historyLength + 2048);
    this.#position = this.#historyLength;
  }

  /** Exactly how many samples the next `process()` of `inputLength` samples will return. */
  outputLength(inputLength: number): number {
    return this.#countBefore((this.#historyLength + inputLength) * this.#filter.upFactor);
  }

  /**
   * Resamples the next chunk of the stream (any length, including 0).
   *
   * Ownership: with `output` (length ≥ `outputLength(input.length)`) the samples are written there and
   * a view of its first part is returned, so a caller can reuse one buffer per frame; without it a new
   * array is returned. `input` is only read, and may be reused by the caller as soon as this returns.
   */
  process(input: Int16Array, output?: Int16Array): Int16Array {
    const count = this.outputLength(input.length);
    const out = this.#target(count, output);
    this.#ensureCapacity(this.#historyLength + input.length);
    this.#buffer.set(input, this.#historyLength);
    this.#run(input.length, out, count);
    if (input.length > 0) this.#primed = true;
    return out.length === count ? out : out.subarray(0, count);
  }

  /**
   * Ends the stream: emits the output still held back by the filter delay (the input is padded with
   * silence up to the group delay, so the whole stream's output is delay + input duration), then
   * resets so the instance can start a new stream. `output` works as in {@link Resampler.process}.
   */
  flush(output?: Int16Array): Int16Array {
    const { upFactor, prototypeLength } = this.#filter;
    const delayPrototypeSamples = (prototypeLength - 1) / 2;
    // Real input ends at buffer index #historyLength; stop once the last sample's centre tap has passed.
    const count = this.#primed ? this.#countBefore(this.#historyLength * upFactor + delayPrototypeSamples) : 0;
    const out = this.#target(count, output);
    const zeros = Math.ceil(delayPrototypeSamples / upFactor) + 1;
    this.#ensureCapacity(this.#historyLength + zeros);
    this.#buffer.fill(0, this.#historyLength, this.#historyLength + zeros);
    this.#run(zeros, out, count);
    this.reset();
    return out.length === count ? out : out.subarray(0, count);
  }

  /** Forgets all history, as if newly constructed. */
  reset(): void {
    this.#buffer.fill(0, 0, this.#historyLength);
    this.#position = this.#historyLength;
    this.#phase = 0;
    this.#primed = false;
  }

  /** Outputs whose prototype-rate position lies before `endPosition` (relative to the buffer start). */
  #countBefore(endPosition: number): number {
    const start = this.#position * this.#filter.upFactor + this.#phase;
    return start >= endPosition ? 0 : Math.ceil((endPosition - start) / this.#filter.downFactor);
  }

  #target(count: number, output: Int16Array | undefined): Int16Array {
    if (output === undefined) return new Int16Array(count);
    if (output.length < count) throw new RangeError(`output holds ${output.length} samples, need ${count}`);
    return output;
  }

  #ensureCapacity(length: number): void {
    if (this.#buffer.length >= length) return;
    const grown = new Float64Array(Math.max(length, this.#buffer.length * 2));
    grown.set(this.#buffer.subarray(0, this.#historyLength));
    this.#buffer = grown;
  }

  /** Filters `appended` new samples already in the buffer after the history, writing up to `limit` outputs. */
  #run(appended: number, out: Int16Array, limit: number): void {
    const { upFactor, downFactor, tapsPerPhase, coefficients } = this.#filter;
    const buffer = this.#buffer;
    const end = this.#historyLength + appended;
    let position = this.#position;
    let phase = this.#phase;
    for (let produced = 0; produced < limit && position < end; produced++) {
      const base = position - tapsPerPhase + 1;
      const offset = phase * tapsPerPhase;
      // Four independent accumulators: ~1.6× faster in V8 than one dependent chain.
      let acc0 = 0;
      let acc1 = 0;
      let acc2 = 0;
      let acc3 = 0;
      let m = 0;
      for (; m + 3 < tapsPerPhase; m += 4) {
        const c = offset + m;
        const b = base + m;
        acc0 += (coefficients[c] ?? 0) * (buffer[b] ?? 0);
        acc1 += (coefficients[c + 1] ?? 0) * (buffer[b + 1] ?? 0);
        acc2 += (coefficients[c + 2] ?? 0) * (buffer[b + 2] ?? 0);
        acc3 += (coefficients[c + 3] ?? 0) * (buffer[b + 3] ?? 0);
      }
      for (; m < tapsPerPhase; m++) acc0 += (coefficients[offset + m] ?? 0) * (buffer[base + m] ?? 0);
      const rounded = Math.round(acc0 + acc1 + (acc2 + acc3));
      out[produced] = rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
      phase += downFactor;
      if (phase >= upFactor) {
        position += Math.floor(phase / upFactor);
        phase %= upFactor;
      }
    }
    const shift = end - this.#historyLength;
    buffer.copyWithin(0, shift, end);
    this.#position = position - shift;
    this.#phase = phase;
  }
}

/** Creates a {@link Resampler}; see there for the streaming contract. */
export function createResampler(inputRateHz: number, outputRateHz: number, options: ResamplerOptions = {}): Resampler {
  return new Resampler(inputRateHz, outputRateHz, options);
}
