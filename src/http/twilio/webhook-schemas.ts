/**
 * Twilio's webhook parameters (protocols.md §4.6), validated at the boundary. These are the one
 * deliberate exception to the server's strict-fields rule: `z.looseObject`, because Twilio adds
 * parameters over time (geo fields, `StirVerstat`, `CallToken`, …) and signs whatever it sends; a
 * strict schema would turn Twilio's next new field into dropped phone calls. Every field read is checked.
 */
import { z } from 'zod';

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio ${prefix}… sid`);
const seconds = z
  .string()
  .regex(/^\d{1,9}$/, 'must be a whole number of seconds')
  .transform(Number);

/** The voice webhook (an incoming call). `From` may be `anonymous`, a `client:` or `sip:` address: not checked as E.164. */
export const twilioVoiceParams = z.looseObject({
  CallSid: sid('CA'),
  AccountSid: sid('AC'),
  From: z.string().max(256).default(''),
  To: z.string().min(1).max(256),
  CallStatus: z.string().max(32).optional(),
  Direction: z.string().max(32).optional(),
});

/** A call status callback. `CallStatus` is any string: a status Twilio adds later is logged and ignored, not refused. */
export const twilioStatusParams = z.looseObject({
  CallSid: sid('CA'),
  AccountSid: sid('AC'),
  CallStatus: z.string().min(1).max(32),
  CallDuration: seconds.optional(),
  RecordingUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  RecordingSid: sid('RE').optional(),
  RecordingDuration: seconds.optional(),
});

/** Our status-callback URL of an outbound call carries the call id (signed with the rest of the URL). */
export const twilioStatusQuery = z.strictObject({ callId: z.uuid().optional() });
