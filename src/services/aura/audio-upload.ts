import decode, { type AudioData } from 'audio-decode';
import { AppError } from '../../core/errors.ts';
import { createResampler } from '../../audio/resampler.ts';

/** AURA's limit on an uploaded file. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Uploads are analysed at this rate (the analyser's and AURA's). */
export const ANALYSIS_RATE_HZ = 16_000;

export type UploadFormat = 'wav' | 'mp3' | 'm4a' | 'ogg';

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/**
 * The container of an upload from its first bytes (never from its name or declared type, which a
 * client can get wrong): RIFF/WAVE, MP3 (ID3 tag or MPEG frame sync), MP4/M4A (`ftyp` box), Ogg.
 */
export function sniffFormat(bytes: Uint8Array): UploadFormat | null {
  if (bytes.length < 12) return null;
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return 'wav';
  if (ascii(bytes, 0, 4) === 'OggS') return 'ogg';
  if (ascii(bytes, 4, 8) === 'ftyp') return 'm4a';
  if (ascii(bytes, 0, 3) === 'ID3') return 'mp3';
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  // MPEG audio frame sync (11 bits set), layer III.
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) === 0x02) return 'mp3';
  return null;
}

export interface DecodedUpload {
  readonly format: UploadFormat;
  /** Mono PCM16 at {@link ANALYSIS_RATE_HZ}. */
  readonly samples: Int16Array;
  readonly sourceRateHz: number;
  readonly channels: number;
}

/**
 * Decodes an uploaded WAV, MP3, M4A (AAC) or OGG (Vorbis, Opus) file with `audio-decode` (WebAssembly
 * decoders in process: no ffmpeg or other program needed on the host), mixes it to mono and
 * resamples it to 16 kHz PCM16. Too big: `payload_too_large`; another format: `unsupported_media_type`;
 * a broken file: `invalid_audio`.
 */
export async function decodeUpload(bytes: Uint8Array): Promise<DecodedUpload> {
  if (bytes.length > MAX_UPLOAD_BYTES) throw new AppError('payload_too_large', `The file is ${String(bytes.length)} bytes; the limit is 10 MB (${String(MAX_UPLOAD_BYTES)} bytes)`);
  if (bytes.length === 0) throw new AppError('invalid_audio', 'The file is empty');
  const format = sniffFormat(bytes);
  if (format === null) throw new AppError('unsupported_media_type', 'Unsupported audio format: upload WAV, MP3, M4A or OGG');
  let decoded: AudioData;
  try {
    decoded = await decode(bytes);
  } catch (error) {
    throw new AppError('invalid_audio', `The ${format.toUpperCase()} file could not be decoded`, { cause: error });
  }
  const channels = decoded.channelData.length;
  const length = decoded.channelData[0]?.length ?? 0;
  if (channels === 0 || length === 0 || !(decoded.sampleRate >= 8000 && decoded.sampleRate <= 192_000)) {
    throw new AppError('invalid_audio', `The ${format.toUpperCase()} file holds no audio`);
  }
  const mono = new Int16Array(length);
  for (let i = 0; i < length; i += 1) {
    let sum = 0;
    for (const channel of decoded.channelData) sum += channel[i] ?? 0;
    const v = (sum / channels) * 32768;
    mono[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
  }
  return { format, samples: toAnalysisRate(mono, decoded.sampleRate), sourceRateHz: decoded.sampleRate, channels };
}

/** PCM16 mono at any rate, resampled (whole, with the resampler's tail) to {@link ANALYSIS_RATE_HZ}. */
export function toAnalysisRate(samples: Int16Array, sampleRateHz: number): Int16Array {
  if (sampleRateHz === ANALYSIS_RATE_HZ) return samples;
  const resampler = createResampler(sampleRateHz, ANALYSIS_RATE_HZ);
  const head = resampler.process(samples);
  const tail = resampler.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
