import { describe, expect, it } from 'vitest';
import { generateTone, measureTone } from './spectrum.ts';

describe('measureTone', () => {
  it('recovers amplitude and phase of a tone over a non-integer number of periods', () => {
    const tone = generateTone({ sampleRateHz: 8000, frequencyHz: 1234.5, amplitude: 5000, length: 777, phaseRad: 0.7 });
    const m = measureTone(tone, 8000, 1234.5);
    expect(m.amplitude).toBeCloseTo(5000, 0);
    // sin(x + 0.7) = cos(x + 0.7 − π/2)
    expect(m.phaseRad).toBeCloseTo(0.7 - Math.PI / 2, 3);
    expect(m.residualRms).toBeLessThan(0.5); // only int16 rounding left
  });

  it('separates two tones: the other one lands in the residual', () => {
    const a = generateTone({ sampleRateHz: 16000, frequencyHz: 1000, amplitude: 4000, length: 16000 });
    const b = generateTone({ sampleRateHz: 16000, frequencyHz: 3000, amplitude: 1000, length: 16000 });
    const sum = a.map((v, i) => v + b[i]!);
    const m = measureTone(sum, 16000, 1000);
    expect(m.amplitude).toBeCloseTo(4000, 0);
    expect(m.residualRms).toBeCloseTo(1000 / Math.SQRT2, 0);
    expect(measureTone(sum, 16000, 2000).amplitude).toBeLessThan(5);
  });

  it('handles empty input and DC', () => {
    expect(measureTone([], 8000, 1000)).toEqual({ amplitude: 0, phaseRad: 0, residualRms: 0 });
    expect(measureTone([7, 7, 7, 7], 8000, 0).amplitude).toBeCloseTo(7, 6);
  });
});
