import { describe, expect, it } from 'vitest';
import { Resampler } from './resampler.ts';
import { generateTone, measureTone } from './spectrum.ts';

const rates = [8000, 16000, 24000, 48000];
const pairs = rates.flatMap((from) => rates.filter((to) => to !== from).map((to) => [from, to] as const));

describe('resampler group delay', () => {
  it.each(pairs)('%i Hz → %i Hz delays a tone by the reported group delay', (from, to) => {
    const frequencyHz = 100; // period 10 ms, longer than any delay, so the phase is unambiguous
    const resampler = new Resampler(from, to);
    const out = resampler.process(generateTone({ sampleRateHz: from, frequencyHz, amplitude: 10000, length: from }));
    const start = Math.ceil(2 * resampler.groupDelayOutputSamples) + 1;
    const { phaseRad } = measureTone(out.subarray(start), to, frequencyHz);
    // The input is sin(ωt) = cos(ωt − π/2); a delay d gives cos(ω(t − d) − π/2), measured from `start`.
    const omega = (2 * Math.PI * frequencyHz) / to;
    const expected = omega * (start - resampler.groupDelayOutputSamples) - Math.PI / 2;
    const difference = Math.atan2(Math.sin(phaseRad - expected), Math.cos(phaseRad - expected));
    expect(Math.abs(difference / omega)).toBeLessThan(0.01); // within 1 % of an output sample
    expect(resampler.groupDelayMs).toBeLessThan(4); // small next to a 20 ms frame
  });

  it('flush emits the last input sample at its delayed position', () => {
    const resampler = new Resampler(8000, 24000);
    const input = new Int16Array(800);
    input[799] = 20000; // an impulse at the very end of the stream
    const out = [...resampler.process(input), ...resampler.flush()];
    const peakAt = out.indexOf(Math.max(...out));
    expect(Math.abs(peakAt - (799 * 3 + resampler.groupDelayOutputSamples))).toBeLessThanOrEqual(0.5);
  });
});
