/**
 * What a bidirectional Twilio stream accepts from the server, checked the way Twilio would: only
 * `media`, `mark` and `clear`, each naming this stream, nothing else (Twilio error 31924 otherwise).
 * Checked strictly (unknown fields are an error here): the fake errs on the side of refusing.
 */
import { z } from 'zod';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const mediaSchema = z.strictObject({
  event: z.literal('media'),
  streamSid: z.string(),
  media: z.strictObject({ payload: z.string().min(4).regex(BASE64).refine((payload) => payload.length % 4 === 0, 'base64 length') }),
});
const markSchema = z.strictObject({ event: z.literal('mark'), streamSid: z.string(), mark: z.strictObject({ name: z.string().min(1) }) });
const clearSchema = z.strictObject({ event: z.literal('clear'), streamSid: z.string() });

/** One message the server sent, as the fake understood it. `atMs` is the fake's clock on arrival. */
export type ServerMessage =
  | { readonly event: 'media'; readonly atMs: number; readonly payload: Uint8Array }
  | { readonly event: 'mark'; readonly atMs: number; readonly name: string }
  | { readonly event: 'clear'; readonly atMs: number };

/** A message Twilio would reject (31924), with why. */
export interface ProtocolError {
  readonly atMs: number;
  readonly reason: string;
  /** The first 200 characters of what was sent. */
  readonly text: string;
}

/** Parses one frame the server sent to the stream `streamSid`; a string is the 31924 reason. */
export function parseServerMessage(text: string, streamSid: string, atMs: number): ServerMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return 'not JSON';
  }
  const event = typeof value === 'object' && value !== null && 'event' in value ? value.event : undefined;
  const schema = event === 'media' ? mediaSchema : event === 'mark' ? markSchema : event === 'clear' ? clearSchema : null;
  if (schema === null) return `event ${event === undefined ? 'missing' : JSON.stringify(event)} is not media, mark or clear`;
  const parsed = schema.safeParse(value);
  if (!parsed.success) return `invalid ${String(event)}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`;
  const message = parsed.data;
  if (message.streamSid !== streamSid) return `${message.event} names stream ${message.streamSid}, not ${streamSid}`;
  switch (message.event) {
    case 'media':
      return { event: 'media', atMs, payload: Buffer.from(message.media.payload, 'base64') };
    case 'mark':
      return { event: 'mark', atMs, name: message.mark.name };
    case 'clear':
      return { event: 'clear', atMs };
  }
}
