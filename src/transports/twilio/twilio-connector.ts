/**
 * The seams between the Twilio media stream bridge and the composition root: who may open a stream
 * (`VerifyTwilioUpgrade`, the `X-Twilio-Signature` check) and who starts the call once Twilio has
 * said which call this stream belongs to (`TwilioCallConnector`).
 */
import type { IncomingMessage } from 'node:http';
import type { CallTransport } from '../../runtime/ports.ts';
import type { StartCallResult } from '../shared/call-connector.ts';

/**
 * Decides whether an HTTP upgrade to the media stream path comes from Twilio, before any WebSocket
 * exists. Contract:
 * - It receives the raw upgrade request (a GET with no body): method, URL path and query, headers
 *   (`x-twilio-signature`, `host`, `x-forwarded-*`). The implementer rebuilds the public `wss://` URL
 *   Twilio called and validates the signature over it with empty params.
 * - `true` accepts. `false` refuses with HTTP 403 and no WebSocket is ever accepted. A rejection or a
 *   result later than `verifyTimeoutMs` refuses with HTTP 500 (logged): a broken check never admits.
 * - It must not keep a reference to the request or write to its socket.
 */
export type VerifyTwilioUpgrade = (request: IncomingMessage) => boolean | Promise<boolean>;

/** What Twilio's `start` message said, for the connector to check and start the call. */
export interface TwilioStartParams {
  /** The `callId` `<Parameter>`, as sent; the connector checks that the call exists and awaits this stream. */
  readonly callId: string;
  /** The `streamToken` `<Parameter>`: the one-time token the connector verifies (and consumes). */
  readonly streamToken: string;
  /** Twilio's call (`CA…`) and stream (`MZ…`) ids. */
  readonly callSid: string;
  readonly streamSid: string;
  readonly accountSid: string;
  /** Every custom parameter of the stream (including the two above). */
  readonly customParameters: Readonly<Record<string, string>>;
  /** μ-law 8 kHz both ways; owned by the call from now on. */
  readonly transport: CallTransport;
}

/**
 * Starts the call for a stream. Refusals (bad token, unknown call) are values; the bridge then closes
 * the stream, which ends the `<Connect>` verb. A rejection is a bug: logged, stream closed.
 *
 * Caller events that arrive before the promise settles (audio, DTMF, hang-up) are held by the
 * transport and delivered, in order, once it resolves ok: subscribe before resolving.
 */
export interface TwilioCallConnector {
  startTwilioCall(params: TwilioStartParams): Promise<StartCallResult>;
}
