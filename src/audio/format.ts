/**
 * Audio format vocabulary shared by every leg of a call. The server's one internal format is PCM16
 * mono (little-endian signed 16-bit) with its sample rate carried beside the bytes; μ-law and A-law
 * exist only at the edges. All audio here is mono: stereo appears only in WAV files (see `wav.ts`).
 */

import { AppError } from '../core/errors.ts';
import { ALAW_SILENCE, MULAW_SILENCE } from './g711.ts';

/** Sample encodings the server speaks. `pcm16` is little-endian signed 16-bit; the others are G.711 bytes. */
export type AudioEncoding = 'pcm16' | 'mulaw' | 'alaw';

/** An encoding plus its sample rate; all audio is mono. */
export interface AudioFormat {
  readonly encoding: AudioEncoding;
  readonly sampleRateHz: number;
}

/** A piece of audio with its format beside the bytes. For `pcm16` the byte length is even. */
export interface AudioChunk {
  readonly format: AudioFormat;
  readonly data: Uint8Array;
}

/** The sample rates every leg of the product uses (telephony, Gemini input, OpenAI/Gemini output, WebRTC). */
export const SUPPORTED_SAMPLE_RATES = [8000, 16000, 24000, 48000] as const;

/** One of {@link SUPPORTED_SAMPLE_RATES}. */
export type SupportedSampleRate = (typeof SUPPORTED_SAMPLE_RATES)[number];

/** Whether `rateHz` is one of {@link SUPPORTED_SAMPLE_RATES}. */
export function isSupportedSampleRate(rateHz: number): rateHz is SupportedSampleRate {
  return (SUPPORTED_SAMPLE_RATES as readonly number[]).includes(rateHz);
}

/** Bytes per mono sample: 2 for `pcm16`, 1 for the G.711 encodings. */
export function bytesPerSample(encoding: AudioEncoding): 1 | 2 {
  return encoding === 'pcm16' ? 2 : 1;
}

/** The byte that encodes digital silence: 0x00 for `pcm16`, 0xFF for μ-law, 0xD5 for A-law. */
export function silenceByte(encoding: AudioEncoding): number {
  switch (encoding) {
    case 'pcm16':
      return 0;
    case 'mulaw':
      return MULAW_SILENCE;
    case 'alaw':
      return ALAW_SILENCE;
  }
}

/** Whether two formats are identical (same encoding and rate), i.e. conversion is a no-op. */
export function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.encoding === b.encoding && a.sampleRateHz === b.sampleRateHz;
}

/** Whole samples in `byteLength` bytes of `format`; a trailing odd byte of `pcm16` is not counted. */
export function sampleCount(format: AudioFormat, byteLength: number): number {
  return Math.floor(byteLength / bytesPerSample(format.encoding));
}

/**
 * Duration of `byteLength` bytes in milliseconds. Fractional on purpose (e.g. 1 byte of 8 kHz μ-law
 * is 0.125 ms); round at the call site if an integer is needed. Use {@link sampleCount} for exact math.
 */
export function durationMs(format: AudioFormat, byteLength: number): number {
  return (sampleCount(format, byteLength) * 1000) / format.sampleRateHz;
}

/**
 * Bytes holding `ms` milliseconds of `format`, rounded to the nearest whole sample
 * (20 ms is 160 bytes of 8 kHz μ-law, 640 bytes of 16 kHz PCM16, 960 bytes of 24 kHz PCM16).
 */
export function bytesForMs(format: AudioFormat, ms: number): number {
  return Math.round((ms * format.sampleRateHz) / 1000) * bytesPerSample(format.encoding);
}

/** True when the host stores multi-byte numbers little-endian (every platform Node supports in practice). */
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads PCM16 little-endian bytes as samples. Safe for any `byteOffset` (Node pools small Buffers at
 * odd offsets, where `new Int16Array(buffer, offset)` would throw).
 *
 * Ownership: without `out`, an even `byteOffset` on a little-endian host returns a zero-copy VIEW that
 * shares memory with `bytes` (mutating one mutates the other); otherwise a new array. With `out`
 * (length ≥ bytes.length / 2) the samples are always copied into it and a view of its first part is
 * returned. Throws `invalid_audio` on an odd byte length: carry a split sample yourself (the converter does).
 */
export function pcm16BytesToSamples(bytes: Uint8Array, out?: Int16Array): Int16Array {
  if (bytes.length % 2 !== 0) {
    throw new AppError('invalid_audio', `PCM16 data must have an even byte length, got ${bytes.length}`);
  }
  const count = bytes.length / 2;
  if (out === undefined) {
    if (hostIsLittleEndian && bytes.byteOffset % 2 === 0) {
      return new Int16Array(bytes.buffer, bytes.byteOffset, count);
    }
    out = new Int16Array(count);
  } else if (out.length < count) {
    throw new RangeError(`output holds ${out.length} samples, need ${count}`);
  }
  for (let i = 0, j = 0; i < count; i++, j += 2) {
    // Two's-complement reassembly: (hi << 8 | lo) then sign-extend via the << 16 >> 16 idiom.
    out[i] = (((bytes[j + 1] ?? 0) << 24) >> 16) | (bytes[j] ?? 0);
  }
  return out.length === count ? out : out.subarray(0, count);
}

/**
 * Writes samples as PCM16 little-endian bytes.
 *
 * Ownership: without `out`, on a little-endian host this returns a zero-copy VIEW over the samples'
 * memory (Int16Array offsets are always even); otherwise a new array. With `out` (length ≥ 2 ×
 * samples.length, any byteOffset) the bytes are copied into it and a view of its first part is returned.
 */
export function samplesToPcm16Bytes(samples: Int16Array, out?: Uint8Array): Uint8Array {
  const byteLength = samples.length * 2;
  if (out === undefined) {
    if (hostIsLittleEndian) return new Uint8Array(samples.buffer, samples.byteOffset, byteLength);
    out = new Uint8Array(byteLength);
  } else if (out.length < byteLength) {
    throw new RangeError(`output holds ${out.length} bytes, need ${byteLength}`);
  }
  if (hostIsLittleEndian && out.byteOffset % 2 === 0) {
    new Int16Array(out.buffer, out.byteOffset, samples.length).set(samples);
  } else {
    for (let i = 0, j = 0; i < samples.length; i++, j += 2) {
      const s = samples[i] ?? 0;
      out[j] = s & 0xff;
      out[j + 1] = (s >> 8) & 0xff;
    }
  }
  return out.length === byteLength ? out : out.subarray(0, byteLength);
}
