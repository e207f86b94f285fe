import { describe, expect, it } from 'vitest';
import { createAudioConverter } from './converter.ts';
import { mulawEncode } from './g711.ts';

describe('converter with PCM16 input split at odd byte boundaries', () => {
  it('joins a sample split across chunks (and odd byteOffsets) exactly as if unsplit', () => {
    const from = { encoding: 'pcm16', sampleRateHz: 8000 } as const;
    const to = { encoding: 'mulaw', sampleRateHz: 8000 } as const;
    const samples = Int16Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i / 5) * 20000));
    const bytes = new Uint8Array(samples.buffer);
    const whole = mulawEncode(samples);

    const converter = createAudioConverter(from, to);
    const backing = new Uint8Array(bytes.length + 1);
    backing.set(bytes, 1); // every chunk will sit at an odd byteOffset
    const pieces: Uint8Array[] = [];
    for (const [a, b] of [[0, 1], [1, 1], [1, 4], [4, 161], [161, 162], [162, 500], [500, 800]] as const) {
      pieces.push(converter.convert(backing.subarray(1 + a, 1 + b)));
    }
    expect(Buffer.concat(pieces).equals(Buffer.from(whole))).toBe(true);
  });

  it('drops a dangling odd byte at flush and starts clean', () => {
    const converter = createAudioConverter({ encoding: 'pcm16', sampleRateHz: 16000 }, { encoding: 'pcm16', sampleRateHz: 8000 });
    converter.convert(new Uint8Array(641));
    converter.flush();
    const out = converter.convert(new Uint8Array([0x10, 0x27, 0x10, 0x27])); // two samples of 10000, not shifted by a stale byte
    expect(out.length % 2).toBe(0);
    converter.reset();
    expect(converter.convert(new Uint8Array(0)).length).toBe(0);
  });

  it('resamples PCM16 that arrives in odd-length pieces exactly like whole frames', () => {
    const from = { encoding: 'pcm16', sampleRateHz: 24000 } as const;
    const to = { encoding: 'pcm16', sampleRateHz: 16000 } as const;
    const samples = Int16Array.from({ length: 2400 }, (_, i) => (i * 7919) % 30000 - 15000);
    const bytes = new Uint8Array(samples.buffer);
    const whole = createAudioConverter(from, to).convert(bytes);
    const split = createAudioConverter(from, to);
    const pieces: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += 333) pieces.push(split.convert(bytes.subarray(offset, offset + 333)));
    expect(Buffer.concat(pieces).equals(Buffer.from(whole))).toBe(true);
  });
});
