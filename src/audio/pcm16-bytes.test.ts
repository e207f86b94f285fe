import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { pcm16BytesToSamples, samplesToPcm16Bytes } from './format.ts';

const values = [0, 1, -1, 255, 256, -256, 32767, -32768, 12345, -12345];

/** Little-endian bytes of `values`, written by hand so the test does not trust the code under test. */
function leBytes(samples: readonly number[]): number[] {
  return samples.flatMap((s) => [s & 0xff, (s >> 8) & 0xff]);
}

describe('PCM16 bytes ↔ samples', () => {
  it('reads bytes at an odd byteOffset (pooled Node Buffers)', () => {
    const backing = new Uint8Array(1 + values.length * 2);
    backing.set(leBytes(values), 1);
    const bytes = backing.subarray(1);
    expect(bytes.byteOffset % 2).toBe(1);
    expect(Array.from(pcm16BytesToSamples(bytes))).toEqual(values);
  });

  it('reads a real base64 Buffer whatever its pool offset', () => {
    const encoded = Buffer.from(leBytes(values)).toString('base64');
    for (let pad = 0; pad < 4; pad++) {
      Buffer.from('x'.repeat(pad)); // shift the pool's offset
      const buf = Buffer.from(encoded, 'base64');
      expect(Array.from(pcm16BytesToSamples(buf))).toEqual(values);
    }
  });

  it('returns a zero-copy view when aligned and no output is given', () => {
    const bytes = new Uint8Array(leBytes(values));
    const samples = pcm16BytesToSamples(bytes);
    expect(samples.buffer).toBe(bytes.buffer);
    expect(Array.from(samples)).toEqual(values);
  });

  it('copies into a given output and returns a view of its used part', () => {
    const out = new Int16Array(64).fill(7);
    const samples = pcm16BytesToSamples(new Uint8Array(leBytes(values)), out);
    expect(samples.buffer).toBe(out.buffer);
    expect(samples.length).toBe(values.length);
    expect(Array.from(samples)).toEqual(values);
    expect(out[values.length]).toBe(7);
  });

  it('rejects an odd byte length as invalid_audio and a short output as a RangeError', () => {
    expect(() => pcm16BytesToSamples(new Uint8Array(3))).toThrow(AppError);
    expect(() => pcm16BytesToSamples(new Uint8Array(8), new Int16Array(3))).toThrow(RangeError);
  });

  it('writes little-endian bytes, including into an odd-offset output', () => {
    const samples = Int16Array.from(values);
    expect(Array.from(samplesToPcm16Bytes(samples))).toEqual(leBytes(values));
    const backing = new Uint8Array(1 + values.length * 2 + 5);
    const written = samplesToPcm16Bytes(samples, backing.subarray(1));
    expect(written.length).toBe(values.length * 2);
    expect(Array.from(written)).toEqual(leBytes(values));
  });

  it('round-trips through a fresh copy when asked', () => {
    const samples = Int16Array.from(values);
    const bytes = samplesToPcm16Bytes(samples, new Uint8Array(samples.length * 2));
    samples[0] = 99;
    expect(pcm16BytesToSamples(bytes)[0]).toBe(0);
  });
});
