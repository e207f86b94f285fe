import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeUpload, sniffFormat } from './audio-upload.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../testing/fixtures/aura/${name}`, import.meta.url)));

async function decodeAll(bytes: Uint8Array): Promise<{ samples: number; info: Awaited<ReturnType<typeof decodeUpload>> }> {
  let samples = 0;
  const info = await decodeUpload(bytes, (pcm) => {
    samples += pcm.length;
  });
  return { samples, info };
}

describe('upload decoding', () => {
  it.each([
    ['speech.wav', 'wav'],
    ['speech.mp3', 'mp3'],
    ['speech.m4a', 'm4a'],
    ['speech.ogg', 'ogg'],
  ] as const)('recognises %s by its bytes and decodes it to 16 kHz mono', async (name, format) => {
    const bytes = fixture(name);
    expect(sniffFormat(bytes)).toBe(format);
    const { samples, info } = await decodeAll(bytes);
    expect(info).toMatchObject({ format, channels: 1 });
    // 3 s at 16 kHz, give or take the codec's padding.
    expect(samples / 16_000).toBeGreaterThan(2.95);
    expect(samples / 16_000).toBeLessThan(3.2);
  });

  it('refuses what is not WAV, MP3, M4A or OGG, and files that do not decode', async () => {
    expect(sniffFormat(new TextEncoder().encode('<html><body>not audio</body></html>'))).toBeNull();
    await expect(decodeAll(new TextEncoder().encode('fLaC and then some bytes'))).rejects.toMatchObject({ code: 'unsupported_media_type' });
    await expect(decodeAll(new Uint8Array(0))).rejects.toMatchObject({ code: 'invalid_audio' });
    const truncatedWav = fixture('speech.wav').subarray(0, 30);
    await expect(decodeAll(truncatedWav)).rejects.toMatchObject({ code: 'invalid_audio' });
  });

  it('decodes a long file a slice per event-loop turn, so timers and I/O keep running', async () => {
    // 100 × 3 s of MP3 frames (1.3 MB, 5 minutes). A whole-file decode starves timers for nearly all of
    // its run (0.6 s of 0.6 s here); streamed, the longest gap is a few percent of the decode. Compared
    // as a share of the decode's own duration, so a busy machine (which stretches both) cannot make
    // this flaky.
    const one = fixture('speech.mp3');
    const long = new Uint8Array(one.length * 100);
    for (let i = 0; i < 100; i += 1) long.set(one, i * one.length);
    const started = performance.now();
    let last = started;
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    const { samples } = await decodeAll(long);
    clearInterval(timer);
    const total = performance.now() - started;
    longest = Math.max(longest, performance.now() - last);
    expect(samples / 16_000).toBeGreaterThan(290);
    expect(longest).toBeLessThan(0.25 * total);
  });
});
