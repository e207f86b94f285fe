import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { WebhookDeliveryRow } from '../../store/schema/webhook-deliveries.ts';
import { webhookEventTypes, type WebhookEndpointRow } from '../../store/schema/webhook-endpoints.ts';

const isoInstant = z.iso.datetime({ offset: true });
const eventTypes = z
  .array(z.enum(webhookEventTypes))
  .min(1)
  .max(webhookEventTypes.length * 2)
  .describe('Events to receive: call.started, call.ended, transcript.updated, call.analyzed');

export const webhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.enum(webhookEventTypes)),
    enabled: z.boolean(),
    previousSecretExpiresAt: isoInstant.nullable().describe('During a secret rotation: until when the previous secret still signs too'),
    createdAt: isoInstant,
    updatedAt: isoInstant,
  })
  .describe('WebhookEndpoint');

export const endpointWithSecretSchema = webhookEndpointSchema
  .extend({ secret: z.string().describe('The signing secret (whsec_…). Shown this once; store it now.') })
  .describe('WebhookEndpointWithSecret');

export function toEndpointDto(row: WebhookEndpointRow, nowMs: number): z.infer<typeof webhookEndpointSchema> {
  const rotating = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt.getTime() > nowMs;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: [...row.events],
    enabled: row.enabled,
    previousSecretExpiresAt: rotating ? (row.previousSecretExpiresAt?.toISOString() ?? null) : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const url = z.string().trim().min(1).max(2048).describe('Where events are POSTed; https in production, no private addresses');
const description = z.string().trim().max(500);

export const createEndpointBody = z.strictObject({ url, events: eventTypes, description: description.optional(), enabled: z.boolean().optional() });
export const updateEndpointBody = z.strictObject({
  url: url.optional(),
  events: eventTypes.optional(),
  description: description.optional(),
  enabled: z.boolean().optional(),
});
export const rotateSecretBody = z
  .strictObject({
    previousSecretValidForS: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600)
      .describe('How long the previous secret keeps signing beside the new one; 0 retires it at once'),
  })
  .nullish();

export const endpointIdParams = z.strictObject({ endpointId: z.uuid() });
export const deliveryParams = z.strictObject({ endpointId: z.uuid(), deliveryId: z.uuid() });

export const deliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    eventType: z.enum(webhookEventTypes),
    jobId: z.uuid(),
    attempt: z.number().int(),
    statusCode: z.number().int().nullable().describe('The receiver’s HTTP status; null when no answer came'),
    succeeded: z.boolean(),
    durationMs: z.number().int(),
    error: z.string().nullable(),
    at: isoInstant,
  })
  .describe('WebhookDelivery');

export function toDeliveryDto(row: WebhookDeliveryRow): z.infer<typeof deliverySchema> {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    jobId: row.jobId,
    attempt: row.attempt,
    statusCode: row.statusCode,
    succeeded: row.succeeded,
    durationMs: row.durationMs,
    error: row.error,
    at: row.at.toISOString(),
  };
}

export const listDeliveriesQuery = z.strictObject({
  eventId: z.uuid().optional(),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Opaque keyset cursor: instant and id of the last delivery of a page. */
export function encodeDeliveryCursor(row: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.at.toISOString(), row.id])).toString('base64url');
}

const cursorShape = z.tuple([isoInstant, z.uuid()]);

export function decodeDeliveryCursor(cursor: string): { at: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success) {
    throw new AppError('validation_failed', 'The request is invalid', { details: [{ path: 'querystring.cursor', message: 'is not a cursor returned by this API' }] });
  }
  return { at: new Date(result.data[0]), id: result.data[1] };
}
