import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { Resampler } from './resampler.ts';

const rates = [8000, 16000, 24000, 48000];
const pairs = rates.flatMap((from) => rates.map((to) => [from, to] as const));

describe('resampler output length', () => {
  it.each(pairs)('%i Hz → %i Hz produces exactly input × ratio over 20 s of odd-sized chunks', (from, to) => {
    const resampler = new Resampler(from, to);
    const chunk = new Int16Array(Math.round(from * 0.0173)); // 17.3 ms: never a whole number of output samples
    let inputTotal = 0;
    let outputTotal = 0;
    let mispredicted = 0;
    let worstDrift = 0;
    const output = new Int16Array(4096);
    while (inputTotal < from * 20) {
      const predicted = resampler.outputLength(chunk.length);
      const produced = resampler.process(chunk, output).length;
      if (produced !== predicted) mispredicted++;
      inputTotal += chunk.length;
      outputTotal += produced;
      worstDrift = Math.max(worstDrift, Math.abs(outputTotal - (inputTotal * to) / from));
    }
    expect(mispredicted).toBe(0);
    expect(worstDrift).toBeLessThanOrEqual(1); // never more than one sample from the exact ratio
    expect(outputTotal).toBe(Math.ceil((inputTotal * to) / from));
  });

  it.each(pairs)('%i Hz → %i Hz: flush releases the delayed tail, then starts afresh', (from, to) => {
    const resampler = new Resampler(from, to);
    const input = new Int16Array(from / 10).fill(1000);
    const body = resampler.process(input).length;
    const tail = resampler.flush().length;
    expect(body + tail).toBe(Math.ceil((input.length * to) / from + resampler.groupDelayOutputSamples));
    expect(resampler.flush().length).toBe(0); // nothing left after a flush
    expect(resampler.process(input).length).toBe(body); // and state was reset
  });

  it('is the identity, with no delay, for equal rates', () => {
    const resampler = new Resampler(16000, 16000);
    const input = Int16Array.from([1, -2, 3, 32767, -32768]);
    expect(resampler.groupDelayOutputSamples).toBe(0);
    expect([...resampler.process(input)]).toEqual([...input]);
    expect(resampler.flush().length).toBe(0);
  });

  it('rejects nonsensical rates and needlessly complex ratios', () => {
    expect(() => new Resampler(0, 8000)).toThrow(AppError);
    expect(() => new Resampler(8000, 22050.5)).toThrow(AppError);
    expect(() => new Resampler(8000, 8001)).toThrow(AppError);
    expect(() => new Resampler(8000, 16000, { stopbandAttenuationDb: 5 })).toThrow(RangeError);
  });

  it('rejects an output buffer that is too small', () => {
    const resampler = new Resampler(8000, 24000);
    expect(() => resampler.process(new Int16Array(160), new Int16Array(100))).toThrow(RangeError);
  });
});
