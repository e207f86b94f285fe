import { describe, expect, it } from 'vitest';
import { Resampler } from './resampler.ts';

const rates = [8000, 16000, 24000, 48000];
const pairs = rates.flatMap((from) => rates.filter((to) => to !== from).map((to) => [from, to] as const));

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function noise(length: number, random: () => number): Int16Array {
  return Int16Array.from({ length }, () => Math.round((random() * 2 - 1) * 20000));
}

describe('resampler chunk boundaries', () => {
  it.each(pairs)('%i Hz → %i Hz gives identical output for random chunk sizes and for the whole signal', (from, to) => {
    const random = prng(from * 7 + to);
    const signal = noise(from / 2, random);
    const whole = new Resampler(from, to).process(signal);

    const chunked = new Resampler(from, to);
    const pieces: Int16Array[] = [];
    const scratch = new Int16Array(4096);
    for (let offset = 0; offset < signal.length; ) {
      const size = random() < 0.1 ? Math.floor(random() * 3) : Math.floor(random() * 700); // includes 0 and 1
      const chunk = signal.subarray(offset, Math.min(signal.length, offset + size));
      pieces.push(chunked.process(chunk, scratch).slice()); // reuse one output buffer, as the hot path does
      offset += chunk.length;
    }
    const joined = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const piece of pieces) {
      joined.set(piece, at);
      at += piece.length;
    }
    expect(joined.length).toBe(whole.length);
    expect(Buffer.from(joined.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });

  it('grows its internal buffer for a chunk far larger than a frame', () => {
    const signal = noise(100_000, prng(1));
    const whole = new Resampler(48000, 8000).process(signal);
    const split = new Resampler(48000, 8000);
    const first = split.process(signal.subarray(0, 10));
    const rest = split.process(signal.subarray(10));
    expect([...first, ...rest]).toEqual([...whole]);
  });
});
