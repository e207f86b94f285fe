import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { IvrVoice } from './voice.ts';

/**
 * What the IVR answers to one webhook, before it becomes TwiML:
 * - `listen`: say the lines **inside** `<Gather input="speech">` (the caller can interrupt them),
 *   then wait for speech; `silentTurns` counts the silent gathers just before this one;
 * - `hangup`: say the lines, then `<Hangup>`;
 * - `transfer`: say the lines, then `<Dial>` the number; Twilio reports the outcome to the dial URL.
 */
export type IvrReply =
  | { readonly kind: 'listen'; readonly lines: readonly string[]; readonly silentTurns: number }
  | { readonly kind: 'hangup'; readonly lines: readonly string[] }
  | { readonly kind: 'transfer'; readonly lines: readonly string[]; readonly number: string; readonly callerId: string | null };

/** Where Twilio posts next and how long it waits. */
export interface TwimlTargets {
  /** The turn webhook (absolute URL under `PUBLIC_URL`) carrying the silent-gather count. */
  turnUrl(silentTurns: number): string;
  /** The `<Dial action>` webhook. */
  readonly dialUrl: string;
  /** Seconds `<Gather>` waits for the caller to start speaking, once the lines are said. */
  readonly gatherTimeoutS: number;
  /** Seconds `<Dial>` lets the transfer number ring. */
  readonly dialTimeoutS: number;
}

// twilio-node types voices and languages as closed unions of today's ids; ours are validated strings.
type SayVoice = NonNullable<VoiceResponse.SayAttributes['voice']>;
type SayLanguage = NonNullable<VoiceResponse.SayAttributes['language']>;
type GatherLanguage = NonNullable<VoiceResponse.GatherAttributes['language']>;

type SayParent = Pick<VoiceResponse, 'say'> | Pick<VoiceResponse.Gather, 'say'>;

function say(parent: SayParent, voice: IvrVoice, line: string): void {
  const attributes = { voice: voice.voice as SayVoice, language: voice.language as SayLanguage };
  if (voice.ratePercent === null) {
    parent.say(attributes, line);
    return;
  }
  // An empty <Say> with an SSML <prosody> child: the text stays XML-escaped by the builder.
  parent.say(attributes, '').prosody({ rate: `${voice.ratePercent}%` }, line);
}

/**
 * Renders a reply as TwiML with twilio's `VoiceResponse` (which escapes the text). A `listen` reply
 * is a `<Gather>` with `actionOnEmptyResult` (silence posts to the turn URL too, so a timeout
 * re-prompts instead of hanging up) followed by a `<Redirect>` to the same place, in case Twilio
 * ever falls through the gather.
 */
export function renderTwiml(reply: IvrReply, voice: IvrVoice, targets: TwimlTargets): string {
  const response = new twilio.twiml.VoiceResponse();
  switch (reply.kind) {
    case 'listen': {
      const action = targets.turnUrl(reply.silentTurns);
      const gather = response.gather({
        input: ['speech'],
        action,
        method: 'POST',
        language: voice.language as GatherLanguage,
        speechTimeout: 'auto',
        speechModel: 'phone_call',
        timeout: targets.gatherTimeoutS,
        actionOnEmptyResult: true,
        bargeIn: true,
      });
      for (const line of reply.lines) say(gather, voice, line);
      response.redirect({ method: 'POST' }, action);
      break;
    }
    case 'hangup':
      for (const line of reply.lines) say(response, voice, line);
      response.hangup();
      break;
    case 'transfer': {
      for (const line of reply.lines) say(response, voice, line);
      const dial = response.dial({
        action: targets.dialUrl,
        method: 'POST',
        timeout: targets.dialTimeoutS,
        ...(reply.callerId === null ? {} : { callerId: reply.callerId }),
      });
      dial.number(reply.number);
      break;
    }
  }
  return response.toString();
}
