import type { VoiceConfig } from '../companies/documents.ts';

/**
 * Twilio's ids of the few Polly voices whose name keeps an accent. Every other Polly id is plain
 * ASCII: Amazon's voice "Léa" is `Polly.Lea` on Twilio (twilio-node's `SayVoice` list), so the
 * seed's `Polly.Léa` is not a Twilio voice id.
 */
const accentedTwilioVoices: ReadonlySet<string> = new Set(['Polly.Mía-Generative', 'Polly.Rémi-Generative']);

/** The Twilio `<Say voice>` id for a configured voice: `Polly.Léa` → `Polly.Lea`, `Polly.Céline` → `Polly.Celine`. */
export function twilioVoiceId(voice: string): string {
  if (!voice.startsWith('Polly.') || accentedTwilioVoices.has(voice)) return voice;
  return voice.normalize('NFKD').replace(/\p{M}+/gu, '');
}

/** Voices that read SSML (`<prosody>`); Twilio's basic voices (`alice`, `man`, `woman`) do not. */
export function supportsSsml(voice: string): boolean {
  return voice.startsWith('Polly.') || voice.startsWith('Google.');
}

/** How the IVR speaks: Twilio voice id, language tag (for `<Say>` and speech recognition) and speaking rate. */
export interface IvrVoice {
  readonly voice: string;
  readonly language: string;
  /** `<prosody rate>` in percent, only when the voice reads SSML and the speed is not 1. */
  readonly ratePercent: number | null;
}

export function ivrVoiceOf(config: VoiceConfig): IvrVoice {
  const voice = twilioVoiceId(config.voice);
  const ratePercent = supportsSsml(voice) && config.speed !== 1 ? Math.round(config.speed * 100) : null;
  return { voice, language: config.language, ratePercent };
}
