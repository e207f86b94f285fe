import { describe, expect, it } from 'vitest';
import { AudioFramer } from './framer.ts';

const mulaw8k = { encoding: 'mulaw', sampleRateHz: 8000 } as const;
const pcm16k = { encoding: 'pcm16', sampleRateHz: 16000 } as const;

function counting(length: number, start = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

describe('AudioFramer', () => {
  it('sizes 20 ms frames from the format', () => {
    expect(new AudioFramer(mulaw8k).frameBytes).toBe(160);
    expect(new AudioFramer(pcm16k).frameBytes).toBe(640);
    expect(new AudioFramer({ encoding: 'pcm16', sampleRateHz: 24000 }, { frameMs: 10 }).frameBytes).toBe(480);
  });

  it('rejects a duration that is not a whole number of samples', () => {
    expect(() => new AudioFramer(mulaw8k, { frameMs: 0.1 })).toThrow(RangeError);
    expect(() => new AudioFramer(mulaw8k, { frameMs: 0 })).toThrow(RangeError);
  });

  it('reassembles a stream pushed in uneven pieces into exact frames, in order', () => {
    const framer = new AudioFramer(mulaw8k);
    const stream = counting(1000);
    const frames: Uint8Array[] = [];
    for (const [from, to] of [[0, 7], [7, 7], [7, 300], [300, 320], [320, 999], [999, 1000]] as const) {
      frames.push(...framer.push(stream.subarray(from, to)));
    }
    expect(frames.map((f) => f.length)).toEqual([160, 160, 160, 160, 160, 160]);
    expect(Buffer.concat(frames).equals(Buffer.from(stream.subarray(0, 960)))).toBe(true);
    expect(framer.pendingBytes).toBe(40);
  });

  it('returns frames inside one push as views, and carried frames as fresh arrays', () => {
    const framer = new AudioFramer(mulaw8k);
    const data = counting(320);
    const [a, b] = framer.push(data);
    expect(a?.buffer).toBe(data.buffer);
    expect(b?.buffer).toBe(data.buffer);
    framer.push(counting(100));
    const [carried] = framer.push(counting(100));
    expect(carried?.length).toBe(160);
    const again = framer.push(counting(300));
    expect(again[0]?.buffer).not.toBe(carried?.buffer); // the carry buffer is never handed out twice
  });

  it('flushes the remainder short, or padded with the encoding silence byte', () => {
    const mu = new AudioFramer(mulaw8k);
    mu.push(counting(10));
    const padded = mu.flush(true);
    expect(padded?.length).toBe(160);
    expect(Array.from(padded!.subarray(0, 10))).toEqual(Array.from(counting(10)));
    expect(padded!.subarray(10).every((b) => b === 0xff)).toBe(true);
    expect(mu.flush(true)).toBeUndefined();

    const a = new AudioFramer({ encoding: 'alaw', sampleRateHz: 8000 });
    a.push(counting(3));
    expect(a.flush(true)!.subarray(3).every((b) => b === 0xd5)).toBe(true);

    const pcm = new AudioFramer(pcm16k);
    pcm.push(counting(5, 1));
    expect(Array.from(pcm.flush()!)).toEqual([1, 2, 3, 4]); // whole samples only when not padding
    pcm.push(counting(6, 1));
    const pcmPadded = pcm.flush(true)!;
    expect(pcmPadded.length).toBe(640);
    expect(pcmPadded.subarray(6).every((b) => b === 0)).toBe(true);
  });

  it('reset drops the carried bytes', () => {
    const framer = new AudioFramer(mulaw8k);
    framer.push(counting(50));
    framer.reset();
    expect(framer.pendingBytes).toBe(0);
    expect(framer.flush()).toBeUndefined();
  });
});
