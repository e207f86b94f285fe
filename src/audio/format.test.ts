import { describe, expect, it } from 'vitest';
import {
  SUPPORTED_SAMPLE_RATES,
  bytesForMs,
  bytesPerSample,
  durationMs,
  isSupportedSampleRate,
  sameFormat,
  sampleCount,
  silenceByte,
} from './format.ts';

const mulaw8k = { encoding: 'mulaw', sampleRateHz: 8000 } as const;
const pcm16k = { encoding: 'pcm16', sampleRateHz: 16000 } as const;
const pcm24k = { encoding: 'pcm16', sampleRateHz: 24000 } as const;

describe('format helpers', () => {
  it('matches the 20 ms frame sizes of the protocol cheat sheet', () => {
    expect(bytesForMs(mulaw8k, 20)).toBe(160);
    expect(bytesForMs({ encoding: 'alaw', sampleRateHz: 8000 }, 20)).toBe(160);
    expect(bytesForMs(pcm16k, 20)).toBe(640);
    expect(bytesForMs(pcm24k, 20)).toBe(960);
  });

  it('converts bytes to milliseconds as bytes/8, /32 and /48', () => {
    expect(durationMs(mulaw8k, 160)).toBe(20);
    expect(durationMs(pcm16k, 640)).toBe(20);
    expect(durationMs(pcm24k, 960)).toBe(20);
    expect(durationMs(mulaw8k, 1)).toBe(0.125);
  });

  it('counts whole samples, ignoring an odd PCM16 byte', () => {
    expect(sampleCount(pcm24k, 961)).toBe(480);
    expect(sampleCount(mulaw8k, 161)).toBe(161);
    expect(durationMs(pcm24k, 1)).toBe(0);
  });

  it('rounds bytesForMs to whole samples', () => {
    expect(bytesForMs(pcm24k, 0.03)).toBe(2); // 0.72 samples → 1
    expect(bytesForMs(mulaw8k, 0)).toBe(0);
  });

  it('knows sample sizes and silence bytes', () => {
    expect(bytesPerSample('pcm16')).toBe(2);
    expect(bytesPerSample('mulaw')).toBe(1);
    expect(bytesPerSample('alaw')).toBe(1);
    expect(silenceByte('pcm16')).toBe(0);
    expect(silenceByte('mulaw')).toBe(0xff);
    expect(silenceByte('alaw')).toBe(0xd5);
  });

  it('lists the supported rates', () => {
    expect(SUPPORTED_SAMPLE_RATES).toEqual([8000, 16000, 24000, 48000]);
    expect(isSupportedSampleRate(16000)).toBe(true);
    expect(isSupportedSampleRate(44100)).toBe(false);
  });

  it('compares formats by encoding and rate', () => {
    expect(sameFormat(pcm24k, { encoding: 'pcm16', sampleRateHz: 24000 })).toBe(true);
    expect(sameFormat(pcm24k, pcm16k)).toBe(false);
    expect(sameFormat(mulaw8k, { encoding: 'alaw', sampleRateHz: 8000 })).toBe(false);
  });
});
