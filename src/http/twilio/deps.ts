import type { InboundCalls } from '../../services/telephony/inbound-calls.ts';
import type { OutboundCalls } from '../../services/telephony/outbound-calls.ts';
import type { PhoneNumbers } from '../../services/telephony/phone-numbers.ts';
import type { StatusCallbacks } from '../../services/telephony/status-callbacks.ts';
import type { PhoneNumberRow } from '../../store/schema/phone-numbers.ts';
import type { TwilioWebhookOptions } from './twilio-webhook-plugin.ts';

/** An incoming call to a number in `ivr` mode, as the voice webhook received it (numbers: personal data, never log them). */
export interface IvrIncomingCall {
  readonly tenantId: string;
  readonly phoneNumber: PhoneNumberRow;
  readonly callSid: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The IVR's entry point (the classic TwiML IVR, `/twilio/ivr/*`): returns the TwiML that answers an
 * incoming call to an `ivr`-mode number. Without it, such calls hear that the line is not available.
 */
export type IvrAnswerHook = (call: IvrIncomingCall) => Promise<string>;

/** What the Twilio routes need, built in the composition root. */
export interface TwilioHttpDeps {
  /** The signature verifier and `TRUST_PROXY`, shared with the media upgrade and the IVR routes. */
  readonly webhooks: TwilioWebhookOptions;
  readonly inbound: InboundCalls;
  readonly statusCallbacks: StatusCallbacks;
  readonly outbound: OutboundCalls;
  readonly phoneNumbers: PhoneNumbers;
  /** `wss://…/twilio/media` under `PUBLIC_URL`. */
  readonly streamUrl: string;
  readonly ivr?: IvrAnswerHook | undefined;
}
