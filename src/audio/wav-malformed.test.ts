import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { decodeWav, encodeWav } from './wav.ts';

function invalidAudio(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_audio');
    return error as AppError;
  }
  throw new Error('expected an invalid_audio error');
}

const good = encodeWav({ sampleRateHz: 8000, channels: 1, samples: Int16Array.from([1, 2, 3, 4]) });

function patched(edit: (view: DataView, bytes: Uint8Array) => void, source = good): Uint8Array {
  const copy = new Uint8Array(source);
  edit(new DataView(copy.buffer), copy);
  return copy;
}

describe('decodeWav rejects malformed input with invalid_audio', () => {
  it('too short, not RIFF, not WAVE, or big-endian/RF64', () => {
    expect(invalidAudio(() => decodeWav(new Uint8Array(5))).message).toMatch(/too short/);
    expect(invalidAudio(() => decodeWav(patched((_, b) => { b.set([0x4f, 0x67, 0x67, 0x53], 0); }))).message).toMatch(/RIFF/);
    expect(invalidAudio(() => decodeWav(patched((_, b) => { b.set([0x41, 0x56, 0x49, 0x20], 8); }))).message).toMatch(/not WAVE/);
    expect(invalidAudio(() => decodeWav(patched((_, b) => { b.set([0x52, 0x49, 0x46, 0x58], 0); }))).message).toMatch(/RIFX/);
    expect(invalidAudio(() => decodeWav(patched((_, b) => { b.set([0x52, 0x46, 0x36, 0x34], 0); }))).message).toMatch(/RF64/);
  });

  it('unsupported format tags and bit depths', () => {
    expect(invalidAudio(() => decodeWav(patched((v) => { v.setUint16(20, 3, true); }))).message).toMatch(/format tag 3/); // float
    expect(invalidAudio(() => decodeWav(patched((v) => { v.setUint16(34, 24, true); }))).message).toMatch(/24 bits/);
  });

  it('inconsistent block align, zero channels', () => {
    expect(invalidAudio(() => decodeWav(patched((v) => { v.setUint16(32, 3, true); }))).message).toMatch(/block align/);
    expect(invalidAudio(() => decodeWav(patched((v) => { v.setUint16(22, 0, true); }))).message).toMatch(/block align|zero channels/);
  });

  it('missing fmt or data chunk, or data before fmt', () => {
    expect(invalidAudio(() => decodeWav(good.subarray(0, 36))).message).toMatch(/no data chunk/);
    const noFmt = patched((_, b) => { b.set([0x78, 0x78, 0x78, 0x78], 12); }); // rename "fmt " to "xxxx"
    expect(invalidAudio(() => decodeWav(noFmt)).message).toMatch(/data chunk before fmt/);
  });

  it('truncated data, unless truncation is allowed', () => {
    const cut = good.subarray(0, good.length - 3);
    expect(invalidAudio(() => decodeWav(cut)).message).toMatch(/truncated/);
    expect(Array.from(decodeWav(cut, { allowTruncated: true }).samples)).toEqual([1, 2]);
  });

  it('a declared data size that is not whole frames', () => {
    const odd = patched((v) => { v.setUint32(40, 7, true); });
    expect(invalidAudio(() => decodeWav(odd)).message).toMatch(/whole number/);
  });

  it('a fmt chunk that is too short or overruns the file', () => {
    expect(invalidAudio(() => decodeWav(patched((v) => { v.setUint32(16, 12, true); }))).message).toMatch(/fmt chunk is 12 bytes/);
    expect(invalidAudio(() => decodeWav(good.subarray(0, 30))).message).toMatch(/fmt chunk runs past/);
  });
});

describe('encodeWav rejects bad layouts with invalid_audio', () => {
  it('channels, rate, and samples that do not fill whole frames', () => {
    invalidAudio(() => encodeWav({ sampleRateHz: 8000, channels: 0, samples: new Int16Array(2) }));
    invalidAudio(() => encodeWav({ sampleRateHz: 0, channels: 1, samples: new Int16Array(2) }));
    invalidAudio(() => encodeWav({ sampleRateHz: 8000, channels: 2, samples: new Int16Array(3) }));
  });
});
