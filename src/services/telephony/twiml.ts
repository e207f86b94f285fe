/**
 * The TwiML documents this server answers Twilio with, built with the `twilio` package's
 * `VoiceResponse` (protocols.md §4.1): never string concatenation, so every value is XML-escaped.
 */
import twilio from 'twilio';

/** Where Twilio opens the media stream, under `PUBLIC_URL`. */
export const TWILIO_MEDIA_PATH = '/twilio/media';

/**
 * The media stream URL for `PUBLIC_URL`: `https` becomes `wss`, `http` becomes `ws` (which Twilio
 * refuses, error 31910; start-up allows it only outside production, for local tools and tests).
 * No query string: Twilio forbids one in a stream URL (31920); values travel as `<Parameter>`s.
 */
export function mediaStreamUrl(publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '').replace(/^http(s?):/, 'ws$1:');
  return `${base}${TWILIO_MEDIA_PATH}`;
}

/**
 * `<Connect><Stream url>` with one `<Parameter>` per entry: the bidirectional stream that bridges
 * the call to an agent. Nothing follows `<Connect>`, so when the server closes the stream the call
 * hangs up.
 */
export function connectStreamTwiml(streamUrl: string, parameters: Readonly<Record<string, string>>): string {
  const response = new twilio.twiml.VoiceResponse();
  const stream = response.connect().stream({ url: streamUrl });
  for (const [name, value] of Object.entries(parameters)) stream.parameter({ name, value });
  return response.toString();
}

/** How a spoken message sounds: a Twilio `<Say>` voice and language. */
export interface SayVoice {
  readonly voice?: string | undefined;
  readonly language?: string | undefined;
}

type SayAttributes = Parameters<InstanceType<typeof twilio.twiml.VoiceResponse>['say']>[0];

function sayAttributes(voice: SayVoice): SayAttributes {
  // Voice and language are free strings here (stored per tenant, validated where they are written);
  // the package's types list only the values it knew when it was published.
  return { ...(voice.voice === undefined ? {} : { voice: voice.voice }), ...(voice.language === undefined ? {} : { language: voice.language }) } as SayAttributes;
}

/** `<Say>message</Say><Hangup/>`: a polite refusal. */
export function sayAndHangUpTwiml(message: string, voice: SayVoice = {}): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(sayAttributes(voice), message);
  response.hangup();
  return response.toString();
}

/** `<Redirect method="POST">url</Redirect>`: hands the call to another TwiML endpoint (the IVR). */
export function redirectTwiml(url: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.redirect({ method: 'POST' }, url);
  return response.toString();
}

/** What a caller hears when the line cannot take the call, in the language of the line when known. */
export const lineMessages = {
  unknownNumber: { text: 'Sorry, this number is not in service. Goodbye.', language: 'en-US' },
  unavailable: {
    en: 'Sorry, this line is not available right now. Please call again later. Goodbye.',
    fr: 'Désolé, cette ligne n’est pas disponible pour le moment. Merci de rappeler plus tard. Au revoir.',
  },
  busy: {
    en: 'Sorry, all our lines are busy. Please call again in a few minutes. Goodbye.',
    fr: 'Désolé, toutes nos lignes sont occupées. Merci de rappeler dans quelques minutes. Au revoir.',
  },
} as const;

/** The French text when the language tag is French, else the English one. */
export function localized(message: { readonly en: string; readonly fr: string }, language: string): string {
  return /^fr\b/i.test(language) ? message.fr : message.en;
}
