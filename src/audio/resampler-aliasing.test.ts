import { describe, expect, it } from 'vitest';
import { Resampler } from './resampler.ts';
import { generateTone, measureTone } from './spectrum.ts';
import { rms } from './levels.ts';

/** Output level of a tone relative to the input tone, in dB, after the filter has settled. */
function leakDb(from: number, to: number, frequencyHz: number, measureAtHz?: number): number {
  const amplitude = 16000;
  const resampler = new Resampler(from, to);
  const out = resampler.process(generateTone({ sampleRateHz: from, frequencyHz, amplitude, length: from }));
  const settled = out.subarray(Math.ceil(2 * resampler.groupDelayOutputSamples) + 1);
  const level = measureAtHz === undefined ? rms(settled) * Math.SQRT2 : measureTone(settled, to, measureAtHz).amplitude;
  return 20 * Math.log10(Math.max(level, 1e-3) / amplitude);
}

/** Where a tone lands after sampling at `rateHz`: folded into 0…rate/2. */
function aliasOf(frequencyHz: number, rateHz: number): number {
  const folded = frequencyHz % rateHz;
  return folded > rateHz / 2 ? rateHz - folded : folded;
}

describe('resampler anti-aliasing', () => {
  it.each([6000, 10000, 4100, 4500, 11900])('24 kHz → 8 kHz suppresses a %i Hz tone by at least 60 dB', (frequencyHz) => {
    // Requirement is 40 dB; the 70 dB design should clear 60 everywhere in the stopband.
    expect(leakDb(24000, 8000, frequencyHz)).toBeLessThan(-60);
    expect(leakDb(24000, 8000, frequencyHz, aliasOf(frequencyHz, 8000))).toBeLessThan(-60);
  });

  it.each([
    [16000, 8000, 6000],
    [24000, 16000, 10000],
    [48000, 8000, 10000],
    [48000, 16000, 12000],
    [48000, 24000, 15000],
  ])('%i Hz → %i Hz suppresses a %i Hz tone by at least 60 dB', (from, to, frequencyHz) => {
    expect(leakDb(from, to, frequencyHz)).toBeLessThan(-60);
  });

  it('a naive drop-2-of-3 decimator would alias 6 kHz to a full-level 2 kHz tone (the failure this prevents)', () => {
    const input = generateTone({ sampleRateHz: 24000, frequencyHz: 6000, amplitude: 16000, length: 24000 });
    const naive = input.filter((_, i) => i % 3 === 0);
    expect(measureTone(naive, 8000, 2000).amplitude).toBeGreaterThan(8000);
  });
});

describe('resampler anti-imaging', () => {
  it.each([
    [8000, 16000, 3000],
    [8000, 24000, 1000],
    [8000, 48000, 3000],
    [16000, 24000, 7000],
    [24000, 48000, 9000],
  ])('%i Hz → %i Hz adds no images of a %i Hz tone above -60 dB', (from, to, frequencyHz) => {
    const amplitude = 16000;
    const resampler = new Resampler(from, to);
    const out = resampler.process(generateTone({ sampleRateHz: from, frequencyHz, amplitude, length: from }));
    const settled = out.subarray(Math.ceil(2 * resampler.groupDelayOutputSamples) + 1);
    const { residualRms } = measureTone(settled, to, frequencyHz);
    expect(20 * Math.log10((residualRms * Math.SQRT2) / amplitude)).toBeLessThan(-60);
  });
});
