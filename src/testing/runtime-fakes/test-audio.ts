import { bytesForMs, samplesToPcm16Bytes, silenceByte, type AudioChunk, type AudioFormat } from '../../audio/format.ts';
import { alawEncode, mulawEncode } from '../../audio/g711.ts';

/** 24 kHz PCM16: OpenAI Realtime `audio/pcm`, Gemini output, most browser clients after resampling. */
export const PCM16_24K: AudioFormat = { encoding: 'pcm16', sampleRateHz: 24_000 };
/** 16 kHz PCM16: Gemini Live input. */
export const PCM16_16K: AudioFormat = { encoding: 'pcm16', sampleRateHz: 16_000 };
/** 8 kHz μ-law: Twilio Media Streams and OpenAI `audio/pcmu`. */
export const MULAW_8K: AudioFormat = { encoding: 'mulaw', sampleRateHz: 8000 };

/** `ms` of digital silence in `format`. */
export function silenceChunk(format: AudioFormat, ms: number): AudioChunk {
  return { format, data: new Uint8Array(bytesForMs(format, ms)).fill(silenceByte(format.encoding)) };
}

/**
 * `ms` of a sine tone in `format`: loud enough (amplitude 0.3 of full scale, about −13 dBFS RMS) to
 * count as speech for energy-based detectors.
 */
export function toneChunk(format: AudioFormat, ms: number, options: { amplitude?: number; frequencyHz?: number } = {}): AudioChunk {
  const amplitude = (options.amplitude ?? 0.3) * 32767;
  const frequencyHz = options.frequencyHz ?? 440;
  const count = Math.round((ms * format.sampleRateHz) / 1000);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / format.sampleRateHz));
  }
  switch (format.encoding) {
    case 'pcm16':
      return { format, data: samplesToPcm16Bytes(samples, new Uint8Array(count * 2)) };
    case 'mulaw':
      return { format, data: mulawEncode(samples) };
    case 'alaw':
      return { format, data: alawEncode(samples) };
  }
}
