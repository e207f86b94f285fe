import { describe, expect, it } from 'vitest';
import { peak, peakDbfs, rms, rmsDbfs, toDbfs } from './levels.ts';
import { generateTone } from './spectrum.ts';

describe('levels', () => {
  it('measures a full-scale sine at about −3 dBFS RMS and 0 dBFS peak', () => {
    const tone = generateTone({ sampleRateHz: 8000, frequencyHz: 1000, amplitude: 32767, length: 8000, phaseRad: Math.PI / 2 });
    expect(rmsDbfs(tone)).toBeCloseTo(-3.01, 1);
    expect(peakDbfs(tone)).toBeCloseTo(0, 2);
  });

  it('measures a −20 dB square wave exactly', () => {
    const square = Int16Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 3277 : -3277));
    expect(rms(square)).toBe(3277);
    expect(rmsDbfs(square)).toBeCloseTo(-20, 2);
    expect(peak(square)).toBe(3277);
  });

  it('counts −32768 as full scale', () => {
    expect(peak(Int16Array.from([-32768, 5]))).toBe(32768);
    expect(peakDbfs(Int16Array.from([-32768]))).toBe(0);
  });

  it('reports silence and empty input as −Infinity', () => {
    expect(rmsDbfs(new Int16Array(160))).toBe(Number.NEGATIVE_INFINITY);
    expect(peakDbfs(new Int16Array(0))).toBe(Number.NEGATIVE_INFINITY);
    expect(rms(new Int16Array(0))).toBe(0);
    expect(toDbfs(0)).toBe(Number.NEGATIVE_INFINITY);
  });
});
