import { z } from 'zod';

/** The `LISTEN`/`NOTIFY` channel every instance subscribes to (a lower-case SQL identifier). */
export const CALL_CONTROL_CHANNEL = 'switchboard_call_control';

/** Longest end reason carried; with JSON escaping it stays far below NOTIFY's 8000-byte payload limit. */
export const MAX_END_REASON_LENGTH = 1_000;

const requestId = z.uuid();
const callId = z.uuid();

// Objects, not strict objects: during a rolling deploy an older instance ignores fields a newer one adds.
export const callControlMessageSchema = z.discriminatedUnion('type', [
  // Any instance → all: end this call if you run it.
  z.object({ type: z.literal('end'), requestId, callId, reason: z.string().min(1).max(MAX_END_REASON_LENGTH) }),
  // The instance running the call → all: it is mine, I am ending it (sent before it has ended).
  z.object({ type: z.literal('ending'), requestId, callId }),
  // The instance running the call → all: it has ended, its record is final.
  z.object({ type: z.literal('ended'), requestId, callId }),
]);

export type CallControlMessage = z.infer<typeof callControlMessageSchema>;

export type ParsedMessage = { readonly ok: true; readonly message: CallControlMessage } | { readonly ok: false; readonly problem: string };

/** Reads one notification payload; anything but a well-formed message is a `problem`, never a throw. */
export function parseCallControlMessage(payload: string): ParsedMessage {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = callControlMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ') };
  return { ok: true, message: parsed.data };
}

export function encodeCallControlMessage(message: CallControlMessage): string {
  return JSON.stringify(message);
}
