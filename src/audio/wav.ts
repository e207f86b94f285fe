/**
 * WAV (RIFF/WAVE) encoding and decoding on in-memory buffers. Encodes 16-bit PCM; decodes 16-bit PCM
 * plus 8-bit G.711 μ-law (format tag 7) and A-law (tag 6), including WAVE_FORMAT_EXTENSIBLE wrappers
 * of those. Every malformed input is an `AppError` with code `invalid_audio`.
 */

import { AppError } from '../core/errors.ts';
import { alawDecode, mulawDecode } from './g711.ts';
import { type AudioEncoding, pcm16BytesToSamples, samplesToPcm16Bytes } from './format.ts';

/** Interleaved PCM16 audio with its layout. */
export interface WavAudio {
  readonly sampleRateHz: number;
  readonly channels: number;
  /** Interleaved samples (frame-major: L R L R … for stereo). */
  readonly samples: Int16Array;
}

/** A decoded WAV file: PCM16 samples plus what the file stored. */
export interface DecodedWav extends WavAudio {
  /** Bits per sample as stored in the file (16 for PCM, 8 for G.711). */
  readonly bitsPerSample: number;
  /** Encoding the file stored, before decoding to PCM16. */
  readonly encoding: AudioEncoding;
}

/** Options for {@link decodeWav}. */
export interface DecodeWavOptions {
  /**
   * Accept a data chunk that claims more bytes than the buffer holds (a file cut off mid-write) and
   * decode what is there. Default false: such input is rejected as truncated. A size of 0xFFFFFFFF,
   * which streaming encoders write when the length is unknown, always means "to the end".
   */
  readonly allowTruncated?: boolean;
}

/** Bytes of the canonical header written by {@link encodeWav} and the streaming writer. */
export const WAV_HEADER_BYTES = 44;
const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const UNKNOWN_SIZE = 0xffffffff;

function invalid(message: string): AppError {
  return new AppError('invalid_audio', `Invalid WAV: ${message}`);
}

/** Checks the layout of audio to be written; throws `invalid_audio`. */
export function assertWavLayout(sampleRateHz: number, channels: number): void {
  if (!Number.isInteger(sampleRateHz) || sampleRateHz <= 0 || sampleRateHz > 0xffffffff) {
    throw new AppError('invalid_audio', `sampleRateHz must be a positive integer, got ${sampleRateHz}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff / 2) {
    throw new AppError('invalid_audio', `channels must be a positive integer, got ${channels}`);
  }
}

/**
 * The canonical 44-byte header of a 16-bit PCM WAV holding `dataBytes` bytes of samples. Sizes
 * saturate at the RIFF maximum, which a 4 GiB+ recording would exceed.
 */
export function wavHeader(sampleRateHz: number, channels: number, dataBytes: number): Uint8Array {
  assertWavLayout(sampleRateHz, channels);
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const blockAlign = channels * 2;
  header.set([0x52, 0x49, 0x46, 0x46], 0); // "RIFF"
  view.setUint32(4, Math.min(36 + dataBytes, UNKNOWN_SIZE), true);
  header.set([0x57, 0x41, 0x56, 0x45], 8); // "WAVE"
  header.set([0x66, 0x6d, 0x74, 0x20], 12); // "fmt "
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  header.set([0x64, 0x61, 0x74, 0x61], 36); // "data"
  view.setUint32(40, Math.min(dataBytes, UNKNOWN_SIZE - 36), true);
  return header;
}

/** Encodes interleaved PCM16 samples as a 16-bit PCM WAV file. Throws `invalid_audio` on a bad layout. */
export function encodeWav(audio: WavAudio): Uint8Array {
  const { sampleRateHz, channels, samples } = audio;
  assertWavLayout(sampleRateHz, channels);
  if (samples.length % channels !== 0) {
    throw new AppError('invalid_audio', `${samples.length} samples do not divide into ${channels} channels`);
  }
  const dataBytes = samples.length * 2;
  if (36 + dataBytes > UNKNOWN_SIZE) throw new AppError('invalid_audio', 'audio too long for a WAV file');
  const out = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  out.set(wavHeader(sampleRateHz, channels, dataBytes), 0);
  samplesToPcm16Bytes(samples, out.subarray(WAV_HEADER_BYTES));
  return out;
}

function chunkId(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

interface FormatChunk {
  readonly encoding: AudioEncoding;
  readonly channels: number;
  readonly sampleRateHz: number;
  readonly bitsPerSample: number;
  readonly blockAlign: number;
}

function parseFormat(view: DataView, offset: number, size: number): FormatChunk {
  if (size < 16) throw invalid(`fmt chunk is ${size} bytes, expected at least 16`);
  let tag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRateHz = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) throw invalid('WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
    tag = view.getUint16(offset + 24, true); // first two bytes of the SubFormat GUID
  }
  let encoding: AudioEncoding;
  if (tag === FORMAT_PCM && bitsPerSample === 16) encoding = 'pcm16';
  else if (tag === FORMAT_MULAW && bitsPerSample === 8) encoding = 'mulaw';
  else if (tag === FORMAT_ALAW && bitsPerSample === 8) encoding = 'alaw';
  else throw invalid(`unsupported format tag ${tag} with ${bitsPerSample} bits per sample (supported: 16-bit PCM, 8-bit μ-law/A-law)`);
  if (channels === 0) throw invalid('zero channels');
  if (sampleRateHz === 0) throw invalid('zero sample rate');
  if (blockAlign !== channels * (bitsPerSample / 8)) {
    throw invalid(`block align ${blockAlign} does not match ${channels} channel(s) of ${bitsPerSample} bits`);
  }
  return { encoding, channels, sampleRateHz, bitsPerSample, blockAlign };
}

/**
 * Decodes a WAV file to interleaved PCM16. Skips chunks it does not need (LIST, fact, cue, …) and
 * honours the pad byte after odd-sized chunks. Throws `invalid_audio` on: a missing RIFF/WAVE header,
 * RIFX/RF64, an unsupported format, a missing fmt or data chunk, a data chunk longer than the buffer
 * (unless `allowTruncated`), or data that is not a whole number of sample frames.
 * The returned samples never share memory with `bytes`.
 */
export function decodeWav(bytes: Uint8Array, options: DecodeWavOptions = {}): DecodedWav {
  if (bytes.length < 12) throw invalid(`${bytes.length} bytes is too short for a RIFF header`);
  const riff = chunkId(bytes, 0);
  if (riff !== 'RIFF') {
    throw invalid(riff === 'RIFX' || riff === 'RF64' ? `${riff} files are not supported` : 'missing RIFF signature');
  }
  if (chunkId(bytes, 8) !== 'WAVE') throw invalid('RIFF file is not WAVE');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffSize = view.getUint32(4, true);
  // Streaming writers leave 0 or 0xFFFFFFFF; otherwise stop at the RIFF end (ignoring appended tags).
  const end = riffSize === 0 || riffSize === UNKNOWN_SIZE ? bytes.length : Math.min(bytes.length, 8 + riffSize);
  let format: FormatChunk | undefined;
  for (let offset = 12; offset + 8 <= end; ) {
    const id = chunkId(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + size > end) throw invalid('fmt chunk runs past the end of the file');
      format = parseFormat(view, body, size);
    } else if (id === 'data') {
      if (format === undefined) throw invalid('data chunk before fmt chunk');
      const { end: stop, exact } = dataEnd(body, size, bytes.length, options);
      return decodeData(bytes.subarray(body, stop), format, exact);
    }
    offset = body + size + (size % 2); // chunks are padded to an even length
  }
  throw invalid(format === undefined ? 'no fmt chunk' : 'no data chunk');
}

/** End of the data to decode, and whether it is the exact size the chunk declared. */
function dataEnd(body: number, size: number, available: number, options: DecodeWavOptions): { end: number; exact: boolean } {
  if (size === UNKNOWN_SIZE) return { end: available, exact: false };
  if (body + size <= available) return { end: body + size, exact: true };
  if (options.allowTruncated === true) return { end: available, exact: false };
  throw invalid(`data chunk claims ${size} bytes but only ${available - body} remain (truncated file)`);
}

function decodeData(data: Uint8Array, format: FormatChunk, exact: boolean): DecodedWav {
  const partial = data.length % format.blockAlign;
  if (partial !== 0) {
    // A cut-off final frame is expected when the size was unknown or truncation allowed; otherwise the file lies.
    if (exact) throw invalid(`data chunk of ${data.length} bytes is not a whole number of ${format.blockAlign}-byte frames`);
    data = data.subarray(0, data.length - partial);
  }
  const { encoding, channels, sampleRateHz, bitsPerSample } = format;
  let samples: Int16Array;
  if (encoding === 'mulaw') samples = mulawDecode(data);
  else if (encoding === 'alaw') samples = alawDecode(data);
  else samples = pcm16BytesToSamples(data, new Int16Array(data.length / 2));
  return { sampleRateHz, channels, bitsPerSample, encoding, samples };
}
