import { setImmediate as yieldToLoop } from 'node:timers/promises';
import decode, { type AudioData } from 'audio-decode';
import { createResampler, type Resampler } from '../../audio/resampler.ts';
import { AppError } from '../../core/errors.ts';

/** AURA's limit on an uploaded file. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Uploads are analysed at this rate (the analyser's and AURA's). */
export const ANALYSIS_RATE_HZ = 16_000;
/** Encoded bytes handed to the decoder per event-loop turn: decoding a 10 MB file never stalls live calls. */
const DECODE_SLICE_BYTES = 32 * 1024;

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

/** Ogg holds Vorbis or Opus: the first page's codec header says which. */
function decoderFormat(format: UploadFormat, bytes: Uint8Array): 'wav' | 'mp3' | 'm4a' | 'oga' | 'opus' {
  if (format !== 'ogg') return format;
  return ascii(bytes, 0, Math.min(bytes.length, 128)).includes('OpusHead') ? 'opus' : 'oga';
}

export interface UploadInfo {
  readonly format: UploadFormat;
  readonly sourceRateHz: number;
  readonly channels: number;
}

/** Refuses what cannot be an upload before any decoding: too big, empty, or not WAV/MP3/M4A/OGG. */
export function checkUpload(bytes: Uint8Array): UploadFormat {
  if (bytes.length > MAX_UPLOAD_BYTES) throw new AppError('payload_too_large', `The file is ${String(bytes.length)} bytes; the limit is 10 MB (${String(MAX_UPLOAD_BYTES)} bytes)`);
  if (bytes.length === 0) throw new AppError('invalid_audio', 'The file is empty');
  const format = sniffFormat(bytes);
  if (format === null) throw new AppError('unsupported_media_type', 'Unsupported audio format: upload WAV, MP3, M4A or OGG');
  return format;
}

function mono(piece: AudioData): Int16Array {
  const channels = piece.channelData.length;
  const length = piece.channelData[0]?.length ?? 0;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i += 1) {
    let sum = 0;
    for (const channel of piece.channelData) sum += channel[i] ?? 0;
    const v = (sum / channels) * 32768;
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
  }
  return out;
}

/**
 * Decodes an uploaded WAV, MP3, M4A (AAC) or OGG (Vorbis, Opus) file with `audio-decode` (WebAssembly
 * decoders in process: no ffmpeg or other program needed on the host), as a stream: 32 KB of the file
 * per event-loop turn, each decoded piece mixed to mono and resampled to 16 kHz PCM16 and handed to
 * `onPcm` (so a long file is never held decoded in memory). Too big: `payload_too_large`; another
 * format: `unsupported_media_type`; a broken file or one without audio: `invalid_audio`.
 */
export async function decodeUpload(bytes: Uint8Array, onPcm: (samples: Int16Array) => void): Promise<UploadInfo> {
  const format = checkUpload(bytes);
  async function* slices(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += DECODE_SLICE_BYTES) {
      yield bytes.subarray(at, Math.min(bytes.length, at + DECODE_SLICE_BYTES));
      await yieldToLoop();
    }
  }
  let resampler: Resampler | null = null;
  let sourceRateHz = 0;
  let channels = 0;
  let samples = 0;
  try {
    for await (const piece of decode(slices(), decoderFormat(format, bytes))) {
      const length = piece.channelData[0]?.length ?? 0;
      if (length === 0) continue;
      if (sourceRateHz === 0) {
        if (!(piece.sampleRate >= 8000 && piece.sampleRate <= 192_000)) throw new AppError('invalid_audio', `The file's sample rate (${String(piece.sampleRate)} Hz) is not one audio is recorded at`);
        sourceRateHz = piece.sampleRate;
        channels = piece.channelData.length;
        resampler = sourceRateHz === ANALYSIS_RATE_HZ ? null : createResampler(sourceRateHz, ANALYSIS_RATE_HZ);
      }
      const pcm = mono(piece);
      samples += pcm.length;
      onPcm(resampler === null ? pcm : resampler.process(pcm));
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('invalid_audio', `The ${format.toUpperCase()} file could not be decoded`, { cause: error });
  }
  if (samples === 0) throw new AppError('invalid_audio', `The ${format.toUpperCase()} file holds no audio`);
  if (resampler !== null) onPcm(resampler.flush());
  return { format, sourceRateHz, channels };
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
