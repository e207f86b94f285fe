import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { callStatuses } from '../../core/call-lifecycle.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import type { TranscriptItemRow } from '../../store/schema/transcript-items.ts';

const isoInstant = z.iso.datetime({ offset: true });

export const callIdParams = z.strictObject({ callId: z.uuid() });

export const usageSchema = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  inputAudioTokens: z.number().int(),
  outputAudioTokens: z.number().int(),
  inputAudioMs: z.number().int(),
  outputAudioMs: z.number().int(),
});

export const latencySchema = z.object({
  turns: z.number().int(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
  meanMs: z.number().nullable(),
});

export const callSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid().nullable(),
    agentId: z.uuid().nullable(),
    agent: z.object({ name: z.string(), engine: z.string(), voice: z.string(), language: z.string() }),
    channel: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    status: z.enum(callStatuses),
    createdAt: isoInstant,
    startedAt: isoInstant.nullable(),
    endedAt: isoInstant.nullable(),
    endReason: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    usage: usageSchema.nullable(),
    latency: latencySchema.nullable(),
    metadata: z.record(z.string(), z.string()),
  })
  .describe('Call');

export type CallDto = z.infer<typeof callSchema>;

export function toCallDto(row: CallRow): CallDto {
  return {
    id: row.id,
    userId: row.userId,
    agentId: row.agentId,
    agent: {
      name: row.agentSnapshot.name,
      engine: row.agentSnapshot.engine,
      voice: row.agentSnapshot.voice,
      language: row.agentSnapshot.language,
    },
    channel: row.channel,
    direction: row.direction,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    endReason: row.endReason,
    durationMs: row.durationMs,
    usage: row.usage,
    latency: row.latency,
    metadata: row.metadata,
  };
}

export const transcriptItemSchema = z
  .object({
    seq: z.number().int(),
    role: z.enum(['user', 'assistant', 'system', 'tool']),
    text: z.string(),
    startMs: z.number().int().describe('Milliseconds from the start of the call'),
    endMs: z.number().int().nullable(),
    interrupted: z.boolean().describe('True when the caller barged in: `text` holds only what was heard'),
  })
  .describe('TranscriptItem');

export function toTranscriptItemDto(row: TranscriptItemRow): z.infer<typeof transcriptItemSchema> {
  return { seq: row.seq, role: row.role, text: row.text, startMs: row.startMs, endMs: row.endMs, interrupted: row.interrupted };
}

const metadataSchema = z
  .record(z.string().min(1).max(64), z.string().max(512))
  .refine((value) => Object.keys(value).length <= 32, 'at most 32 metadata keys')
  .describe('Free-form string pairs kept with the call');

export const createCallBody = z.strictObject({
  agentId: z.uuid().optional().describe('Agent to use; the caller’s default agent when omitted'),
  userId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('The user the call is for (id or your app’s own id); yourself when omitted. Admins may name any user.'),
  channel: z.enum(['api', 'socketio', 'websocket', 'webrtc']).default('api'),
  metadata: metadataSchema.optional(),
});

export const endCallBody = z
  .strictObject({ reason: z.string().min(1).max(200).default('api_request') })
  .nullish();

export const listCallsQuery = z.strictObject({
  userId: z.string().min(1).max(128).optional(),
  status: z.enum(callStatuses).optional(),
  from: isoInstant.optional().describe('Calls created at or after this instant'),
  to: isoInstant.optional().describe('Calls created at or before this instant'),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const callPageSchema = z.object({ items: z.array(callSchema), nextCursor: z.string().nullable() }).describe('CallPage');

/** Opaque keyset cursor: the creation instant and id of the last call of a page. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

const cursorShape = z.tuple([isoInstant, z.uuid()]);

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success) {
    throw new AppError('validation_failed', 'The request is invalid', {
      details: [{ path: 'querystring.cursor', message: 'is not a cursor returned by this API' }],
    });
  }
  return { createdAt: new Date(result.data[0]), id: result.data[1] };
}
