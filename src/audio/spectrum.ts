/**
 * Small spectral measurements for tests and speech analytics: the amplitude of one sinusoid in a
 * signal, and what is left when it is removed. Not for the hot path (a few multiplies per sample, but
 * `Math.sin`/`Math.cos` per sample too).
 */

/** The best-fitting sinusoid at one frequency, and what remains of the signal without it. */
export interface ToneMeasurement {
  /** Peak amplitude of the fitted sinusoid, in sample units. */
  readonly amplitude: number;
  /** Phase in radians of the fit `amplitude · cos(2π f n / rate + phaseRad)` at sample 0 of the window. */
  readonly phaseRad: number;
  /** RMS of the signal minus the fitted sinusoid (noise, distortion, other tones). */
  readonly residualRms: number;
}

/**
 * Least-squares fit of `a·cos(ωn) + b·sin(ωn)` to `samples` at `frequencyHz`. Exact for a pure tone
 * at that frequency whatever the window length (no scalloping), and with a window of a few dozen
 * periods other frequencies leak in only slightly. Returns zeros for an empty input.
 */
export function measureTone(samples: ArrayLike<number>, sampleRateHz: number, frequencyHz: number): ToneMeasurement {
  const n = samples.length;
  if (n === 0) return { amplitude: 0, phaseRad: 0, residualRms: 0 };
  const omega = (2 * Math.PI * frequencyHz) / sampleRateHz;
  let cc = 0;
  let ss = 0;
  let cs = 0;
  let xc = 0;
  let xs = 0;
  for (let i = 0; i < n; i++) {
    const c = Math.cos(omega * i);
    const s = Math.sin(omega * i);
    const x = samples[i] ?? 0;
    cc += c * c;
    ss += s * s;
    cs += c * s;
    xc += x * c;
    xs += x * s;
  }
  const det = cc * ss - cs * cs;
  // A degenerate system (0 Hz, Nyquist, or one sample) has no sine component: fit the cosine alone.
  const a = Math.abs(det) < 1e-9 * (cc * ss + 1) ? xc / (cc || 1) : (xc * ss - xs * cs) / det;
  const b = Math.abs(det) < 1e-9 * (cc * ss + 1) ? 0 : (xs * cc - xc * cs) / det;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    const e = (samples[i] ?? 0) - a * Math.cos(omega * i) - b * Math.sin(omega * i);
    residual += e * e;
  }
  return { amplitude: Math.hypot(a, b), phaseRad: Math.atan2(-b, a), residualRms: Math.sqrt(residual / n) };
}

/** Generates `amplitude · sin(2π f n / rate + phaseRad)` rounded to int16, for tests, fakes and benches. */
export function generateTone(options: {
  readonly sampleRateHz: number;
  readonly frequencyHz: number;
  readonly amplitude: number;
  readonly length: number;
  readonly phaseRad?: number;
}): Int16Array {
  const { sampleRateHz, frequencyHz, amplitude, length } = options;
  const phase = options.phaseRad ?? 0;
  const out = new Int16Array(length);
  const omega = (2 * Math.PI * frequencyHz) / sampleRateHz;
  for (let i = 0; i < length; i++) {
    const v = Math.round(amplitude * Math.sin(omega * i + phase));
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}
