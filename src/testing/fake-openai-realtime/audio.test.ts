import { describe, expect, it } from 'vitest';
import { bytesToMs, decodeBase64, decodeToPcm, encodeFromPcm24k, msToBytes, rms, silenceAudio, toneAudio, tonePcm } from './audio.ts';

describe('fake audio helpers', () => {
  it('decodes G.711 silence to (near) zero and full-scale codes to the G.711 extremes', () => {
    expect(Array.from(decodeToPcm(Uint8Array.from([0xff, 0x7f, 0x00, 0x80]), 'audio/pcmu'))).toEqual([0, 0, -32_124, 32_124]);
    expect(Array.from(decodeToPcm(Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a]), 'audio/pcma'))).toEqual([8, -8, 32_256, -32_256]);
  });

  it('round-trips PCM through μ-law and A-law within the codec step size', () => {
    const samples = Int16Array.from([-30_000, -5_000, -100, 0, 100, 5_000, 30_000].flatMap((value) => [value, value, value]));
    for (const type of ['audio/pcmu', 'audio/pcma'] as const) {
      const decoded = decodeToPcm(encodeFromPcm24k(samples, type), type);
      expect(decoded).toHaveLength(7);
      decoded.forEach((value, index) => {
        const original = samples[index * 3] ?? 0;
        expect(Math.abs(value - original)).toBeLessThanOrEqual(Math.max(16, Math.abs(original) / 16));
      });
    }
  });

  it('measures durations per format and builds tones and silence that the VAD can tell apart', () => {
    expect(bytesToMs(4800, 'audio/pcm')).toBe(100);
    expect(bytesToMs(800, 'audio/pcmu')).toBe(100);
    expect(msToBytes(20, 'audio/pcma')).toBe(160);
    const tone = toneAudio(100, { type: 'audio/pcmu' });
    expect(tone).toHaveLength(800);
    expect(rms(decodeToPcm(tone, 'audio/pcmu'))).toBeGreaterThan(0.15);
    expect(rms(decodeToPcm(silenceAudio(100, { type: 'audio/pcma' }), 'audio/pcma'))).toBeLessThan(0.001);
    expect(tonePcm(10, 24_000)).toHaveLength(240);
  });

  it('decodes base64 strictly, like the API', () => {
    expect(decodeBase64('AAAA')).toHaveLength(3);
    expect(decodeBase64('')).toHaveLength(0);
    expect(decodeBase64('abc')).toBeNull();
    expect(decodeBase64('!!!!')).toBeNull();
  });
});
