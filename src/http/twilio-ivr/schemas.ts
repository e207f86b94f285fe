/**
 * The IVR webhooks' parameters. Bodies are Twilio's (loose, like every Twilio webhook schema: Twilio
 * adds fields over time and signs what it sends; every field read is checked). The query string is
 * ours, written into the action URLs we hand Twilio and covered by its signature, so it is strict.
 */
import { z } from 'zod';

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio CA… sid');

export const ivrCallParams = z.strictObject({ callId: z.uuid() });

export const ivrTurnQuery = z.strictObject({
  tenantId: z.uuid(),
  /** Silent gathers just before this one. */
  silent: z.coerce.number().int().min(0).max(20).default(0),
});

export const ivrDialQuery = z.strictObject({ tenantId: z.uuid() });

/** A `<Gather input="speech">` result: `SpeechResult` is absent (or empty) when the caller said nothing. */
export const ivrTurnBody = z.looseObject({
  CallSid: callSid,
  SpeechResult: z.string().max(5000).optional(),
  Confidence: z
    .string()
    .regex(/^(?:0(?:\.\d+)?|1(?:\.0+)?)$/, 'must be a number between 0 and 1')
    .transform(Number)
    .optional(),
});

/** The `<Dial action>` request: how the transfer ended. */
export const ivrDialBody = z.looseObject({
  CallSid: callSid,
  DialCallStatus: z.string().min(1).max(32),
});
