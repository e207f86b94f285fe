import { describe, expect, it } from 'vitest';
import { Resampler } from './resampler.ts';
import { generateTone, measureTone } from './spectrum.ts';

const rates = [8000, 16000, 24000, 48000];
const pairs = rates.flatMap((from) => rates.map((to) => [from, to] as const));

function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** Resamples one second of a tone and fits a sinusoid at the same frequency to the settled output. */
function passTone(from: number, to: number, frequencyHz: number): { gainDb: number; residualDb: number } {
  const amplitude = 10000;
  const resampler = new Resampler(from, to);
  const out = resampler.process(generateTone({ sampleRateHz: from, frequencyHz, amplitude, length: from }));
  const settled = out.subarray(Math.ceil(2 * resampler.groupDelayOutputSamples) + 1);
  const tone = measureTone(settled, to, frequencyHz);
  return { gainDb: db(tone.amplitude / amplitude), residualDb: db(tone.residualRms / (amplitude / Math.SQRT2)) };
}

describe('resampler passband', () => {
  it.each(pairs)('%i Hz → %i Hz keeps a 1 kHz tone at the same frequency and level', (from, to) => {
    const { gainDb, residualDb } = passTone(from, to, 1000);
    expect(Math.abs(gainDb)).toBeLessThan(0.5);
    expect(Math.abs(gainDb)).toBeLessThan(0.01); // what the design actually achieves
    // Everything that is not the 1 kHz tone (other frequencies, distortion) is int16 rounding noise.
    expect(residualDb).toBeLessThan(-80);
  });

  it.each(pairs.filter(([from, to]) => Math.min(from, to) === 8000))(
    '%i Hz → %i Hz keeps 3.3 kHz, the top of the telephone band, within 0.1 dB',
    (from, to) => {
      expect(Math.abs(passTone(from, to, 3300).gainDb)).toBeLessThan(0.1);
    },
  );

  it('handles rates outside the product set (44.1 kHz → 16 kHz)', () => {
    const { gainDb, residualDb } = passTone(44100, 16000, 1000);
    expect(Math.abs(gainDb)).toBeLessThan(0.01);
    expect(residualDb).toBeLessThan(-80);
  });
});
