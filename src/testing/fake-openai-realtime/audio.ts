import type { RealtimeAudioFormats } from 'openai/resources/realtime/realtime';

/**
 * Audio helpers for the fake. They are deliberately local and tiny (a G.711 table codec, a box
 * low-pass decimator, a tone generator): the fake must not depend on the product's `src/audio/`, so a
 * bug there cannot hide behind the same bug here.
 */

export type AudioFormatType = 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';

/** `audio/pcm` is PCM16 LE mono at 24 kHz (the only rate the API accepts); G.711 is 8 kHz, one byte per sample. */
export function formatType(format: RealtimeAudioFormats): AudioFormatType {
  return format.type ?? 'audio/pcm';
}

export function sampleRateHz(type: AudioFormatType): 24_000 | 8_000 {
  return type === 'audio/pcm' ? 24_000 : 8_000;
}

export function bytesPerSample(type: AudioFormatType): 2 | 1 {
  return type === 'audio/pcm' ? 2 : 1;
}

/** Duration of `byteLength` bytes of audio (pcm: bytes / 48, G.711: bytes / 8). */
export function bytesToMs(byteLength: number, type: AudioFormatType): number {
  return (byteLength / bytesPerSample(type) / sampleRateHz(type)) * 1000;
}

/** Whole samples' worth of bytes for `durationMs` of audio. */
export function msToBytes(durationMs: number, type: AudioFormatType): number {
  return Math.round((durationMs * sampleRateHz(type)) / 1000) * bytesPerSample(type);
}

function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign !== 0 ? -magnitude : magnitude;
}

function linearToMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32_635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = sign | (exponent << 4) | mantissa;
  return ~magnitude & 0xff;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let magnitude = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) magnitude += 8;
  else if (segment === 1) magnitude += 0x108;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return (a & 0x80) !== 0 ? magnitude : -magnitude;
}

const alawSegmentEnds = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff] as const;

function linearToAlaw(sample: number): number {
  let value = sample >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  const segment = alawSegmentEnds.findIndex((end) => value <= end);
  if (segment === -1) return 0x7f ^ mask;
  const quantised = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | quantised) ^ mask;
}

const mulawTable = Int16Array.from({ length: 256 }, (_, byte) => mulawToLinear(byte));
const alawTable = Int16Array.from({ length: 256 }, (_, byte) => alawToLinear(byte));

/** Decodes audio in `type` to PCM16 samples at the format's own rate. A trailing odd PCM byte is ignored. */
export function decodeToPcm(bytes: Uint8Array, type: AudioFormatType): Int16Array {
  if (type === 'audio/pcm') {
    const samples = new Int16Array(bytes.length >> 1);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < samples.length; i += 1) samples[i] = view.getInt16(i * 2, true);
    return samples;
  }
  const table = type === 'audio/pcmu' ? mulawTable : alawTable;
  // A plain loop: `Int16Array.from(bytes, fn)` costs ~20 µs per 20 ms frame, a fifth of a busy fake's CPU.
  const samples = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) samples[i] = table[bytes[i] ?? 0] ?? 0;
  return samples;
}

/** Encodes PCM16 samples at 24 kHz into `type` (decimating by 3 with a 3-tap box filter for G.711). */
export function encodeFromPcm24k(samples: Int16Array, type: AudioFormatType): Buffer {
  if (type === 'audio/pcm') {
    const out = Buffer.alloc(samples.length * 2);
    samples.forEach((sample, i) => out.writeInt16LE(sample, i * 2));
    return out;
  }
  const encode = type === 'audio/pcmu' ? linearToMulaw : linearToAlaw;
  const out = Buffer.alloc(Math.floor(samples.length / 3));
  for (let i = 0; i < out.length; i += 1) {
    const sum = (samples[i * 3] ?? 0) + (samples[i * 3 + 1] ?? 0) + (samples[i * 3 + 2] ?? 0);
    out[i] = encode(Math.round(sum / 3));
  }
  return out;
}

export interface ToneOptions {
  readonly frequencyHz?: number;
  /** Peak amplitude as a fraction of full scale (0–1). */
  readonly amplitude?: number;
}

/** A sine tone as PCM16 at `rateHz`: the fake's stand-in for speech, loud enough to trip the energy VAD. */
export function tonePcm(durationMs: number, rateHz: number, options: ToneOptions = {}): Int16Array {
  const frequencyHz = options.frequencyHz ?? 440;
  const peak = (options.amplitude ?? 0.3) * 32_767;
  const count = Math.round((durationMs * rateHz) / 1000);
  return Int16Array.from({ length: count }, (_, i) => Math.round(peak * Math.sin((2 * Math.PI * frequencyHz * i) / rateHz)));
}

/** A tone encoded in `format`: what a test appends to simulate the caller speaking. */
export function toneAudio(durationMs: number, format: RealtimeAudioFormats, options: ToneOptions = {}): Buffer {
  return encodeFromPcm24k(tonePcm(durationMs, 24_000, options), formatType(format));
}

/** Digital silence in `format` (0x00 pairs for pcm, 0xFF for μ-law, 0xD5 for A-law). */
export function silenceAudio(durationMs: number, format: RealtimeAudioFormats): Buffer {
  const type = formatType(format);
  const fill = type === 'audio/pcm' ? 0x00 : type === 'audio/pcmu' ? 0xff : 0xd5;
  return Buffer.alloc(msToBytes(durationMs, type), fill);
}

/** Root mean square of the samples as a fraction of full scale (0–1). */
export function rms(samples: Int16Array, start = 0, end = samples.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i += 1) {
    const value = (samples[i] ?? 0) / 32_768;
    sum += value * value;
  }
  return Math.sqrt(sum / (end - start));
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 decoding: Node's decoder silently skips garbage, the real API rejects it. */
export function decodeBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !base64Pattern.test(text)) return null;
  return Buffer.from(text, 'base64');
}
