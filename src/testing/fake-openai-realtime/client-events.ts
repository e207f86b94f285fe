import type { RealtimeClientEvent, RealtimeError } from 'openai/resources/realtime/realtime';
import { z } from 'zod';
import { realtimeErrors } from './errors.ts';
import { conversationItemSchema, responseInputItemSchema } from './item-schema.ts';
import { responseParamsSchema, sessionUpdateSchema } from './session-schema.ts';
import { realtimeErrorFromZod } from './zod-errors.ts';

const eventId = z.string().optional();

/** One strict schema per GA client event type. Anything else (beta names included) is an invalid `type`. */
const clientEventSchemas = {
  'session.update': z.strictObject({ type: z.literal('session.update'), event_id: eventId, session: sessionUpdateSchema }),
  'input_audio_buffer.append': z.strictObject({ type: z.literal('input_audio_buffer.append'), event_id: eventId, audio: z.string() }),
  'input_audio_buffer.commit': z.strictObject({ type: z.literal('input_audio_buffer.commit'), event_id: eventId }),
  'input_audio_buffer.clear': z.strictObject({ type: z.literal('input_audio_buffer.clear'), event_id: eventId }),
  'output_audio_buffer.clear': z.strictObject({ type: z.literal('output_audio_buffer.clear'), event_id: eventId }),
  'conversation.item.create': z.strictObject({
    type: z.literal('conversation.item.create'),
    event_id: eventId,
    previous_item_id: z.string().nullable().optional(),
    item: conversationItemSchema,
  }),
  'conversation.item.retrieve': z.strictObject({ type: z.literal('conversation.item.retrieve'), event_id: eventId, item_id: z.string() }),
  'conversation.item.truncate': z.strictObject({
    type: z.literal('conversation.item.truncate'),
    event_id: eventId,
    item_id: z.string(),
    content_index: z.number().int().min(0),
    audio_end_ms: z.number().int().min(0),
  }),
  'conversation.item.delete': z.strictObject({ type: z.literal('conversation.item.delete'), event_id: eventId, item_id: z.string() }),
  'response.create': z.strictObject({
    type: z.literal('response.create'),
    event_id: eventId,
    response: responseParamsSchema(responseInputItemSchema).optional(),
  }),
  'response.cancel': z.strictObject({ type: z.literal('response.cancel'), event_id: eventId, response_id: z.string().optional() }),
} as const satisfies Record<RealtimeClientEvent['type'], z.ZodType>;

type ClientEventType = keyof typeof clientEventSchemas;

/** Checked first so an unknown or beta event name is reported as an invalid `type` value. */
const envelopeSchema = z.looseObject({ type: z.enum(Object.keys(clientEventSchemas) as ClientEventType[]) });

export type ParsedClientEvent =
  | { readonly ok: true; readonly raw: unknown; readonly event: RealtimeClientEvent }
  | { readonly ok: false; readonly raw: unknown; readonly error: RealtimeError };

/** Parses and validates one text frame the way the real server does, returning the error it would send. */
export function parseClientEvent(text: string): ParsedClientEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    return { ok: false, raw: text, error: realtimeErrors.invalidJson(cause instanceof Error ? cause.message : 'parse error') };
  }
  const withEventId = (error: RealtimeError): ParsedClientEvent => ({ ok: false, raw, error: { ...error, event_id: eventIdOf(raw) } });
  const envelope = envelopeSchema.safeParse(raw, { reportInput: true });
  if (!envelope.success) return withEventId(realtimeErrorFromZod(envelope.error));
  const type = envelope.data.type;
  if (!isClientEventType(type)) return withEventId(realtimeErrors.invalidJson('unreachable'));
  const result = clientEventSchemas[type].safeParse(raw, { reportInput: true });
  if (!result.success) return withEventId(realtimeErrorFromZod(result.error));
  // The schemas have no transforms or defaults, so the validated raw object is the SDK event shape.
  return { ok: true, raw, event: raw as RealtimeClientEvent };
}

function isClientEventType(type: string): type is ClientEventType {
  return Object.hasOwn(clientEventSchemas, type);
}

export function eventIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value: unknown = (raw as Record<string, unknown>)['event_id'];
  return typeof value === 'string' ? value : null;
}
