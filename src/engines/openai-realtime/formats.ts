import type { RealtimeAudioFormats } from 'openai/resources/realtime/realtime';
import type { AudioFormat } from '../../audio/format.ts';

/** `audio/pcm` on the Realtime API is PCM16 LE mono at 24 kHz, the only rate it accepts. */
export const REALTIME_PCM_FORMAT: AudioFormat = { encoding: 'pcm16', sampleRateHz: 24_000 };
const MULAW_8K: AudioFormat = { encoding: 'mulaw', sampleRateHz: 8_000 };
const ALAW_8K: AudioFormat = { encoding: 'alaw', sampleRateHz: 8_000 };

/**
 * The format the Realtime API should use for one direction, given the caller's: G.711 at 8 kHz passes
 * through untouched (`audio/pcmu`, `audio/pcma`), anything else becomes 24 kHz PCM16 and the runtime
 * converts.
 */
export function realtimeFormatFor(caller: AudioFormat): AudioFormat {
  if (caller.sampleRateHz === 8_000 && caller.encoding === 'mulaw') return MULAW_8K;
  if (caller.sampleRateHz === 8_000 && caller.encoding === 'alaw') return ALAW_8K;
  return REALTIME_PCM_FORMAT;
}

/** The GA wire format object for an audio format the engine negotiated. */
export function toRealtimeFormat(format: AudioFormat): RealtimeAudioFormats {
  switch (format.encoding) {
    case 'mulaw':
      return { type: 'audio/pcmu' };
    case 'alaw':
      return { type: 'audio/pcma' };
    case 'pcm16':
      return { type: 'audio/pcm', rate: 24_000 };
  }
}

/** Whether the Realtime API can carry `format` as is (what `negotiateFormats` may hand out). */
export function isRealtimeFormat(format: AudioFormat): boolean {
  const expected = realtimeFormatFor(format);
  return expected.encoding === format.encoding && expected.sampleRateHz === format.sampleRateHz;
}
