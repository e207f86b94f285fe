import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { setOwnDefaultInstructions } from '../../services/agents.ts';
import type { CallService } from '../../services/calls.ts';
import type { Database } from '../../store/database.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { callCreationRateLimit } from '../security/rate-limit-policies.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };
const userRef = z.string().trim().min(1).max(128);

const aeroTranscriptEntry = z.object({
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  text: z.string(),
  startMs: z.number().int(),
  endMs: z.number().int().nullable(),
  interrupted: z.boolean(),
});

const aeroHistoryEntry = z.object({
  id: z.uuid(),
  callId: z.uuid(),
  userId: z.string(),
  status: z.string(),
  startTime: z.iso.datetime().describe('When the call was created'),
  endTime: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
  endReason: z.string().nullable(),
});

function requireCallId(raw: string): string {
  // Aero clients once used `Date.now()` ids; anything that is not one of our UUIDs is simply unknown.
  if (!isUuid(raw)) throw new AppError('call_not_found', 'Call not found');
  return raw;
}

/**
 * The Aero REST surface (`/api/calls`), as its README documents it, backed by the real call store.
 * Differences that make it safe: UUID call ids, transcripts returned at end, and a language prompt
 * that changes the caller's own default agent only.
 */
export const aeroRoutes: FastifyPluginAsyncZod<{ calls: CallService; db: Database }> = (app, { calls, db }) => {
  app.post(
    '/start',
    {
      config: { auth: { scope: 'calls' }, limits: callCreationRateLimit },
      schema: {
        tags: ['aero'],
        summary: 'Aero: start a call',
        body: z.strictObject({ userId: userRef }),
        response: { 200: z.object({ callId: z.uuid(), message: z.literal('Call started') }), 429: errorEnvelopeSchema, ...errors },
      },
    },
    async (request) => {
      const call = await calls.create(principalOf(request), { userRef: request.body.userId, channel: 'socketio' });
      return { callId: call.id, message: 'Call started' as const };
    },
  );

  app.post(
    '/end/:callId',
    {
      config: { auth: { scope: 'calls' } },
      schema: {
        tags: ['aero'],
        summary: 'Aero: end a call and get its transcription (idempotent)',
        params: z.strictObject({ callId: z.string().max(100) }),
        response: {
          200: z.object({ message: z.literal('Call ended'), callId: z.uuid(), status: z.string(), transcription: z.array(aeroTranscriptEntry) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const callId = requireCallId(request.params.callId);
      const { call, transcript } = await calls.end(principalOf(request), callId, 'api_request');
      return {
        message: 'Call ended' as const,
        callId: call.id,
        status: call.status,
        transcription: transcript.map((t) => ({ role: t.role, text: t.text, startMs: t.startMs, endMs: t.endMs, interrupted: t.interrupted })),
      };
    },
  );

  app.get(
    '/history/:userId',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['aero'],
        summary: 'Aero: a user’s calls, newest first',
        params: z.strictObject({ userId: userRef }),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.array(aeroHistoryEntry), ...errors },
      },
    },
    async (request) => {
      const rows = await calls.list(principalOf(request), { userRef: request.params.userId, limit: request.query.limit });
      return rows.map((row) => ({
        id: row.id,
        callId: row.id,
        userId: request.params.userId,
        status: row.status,
        startTime: row.createdAt.toISOString(),
        endTime: row.endedAt?.toISOString() ?? null,
        durationMs: row.durationMs,
        endReason: row.endReason,
      }));
    },
  );

  app.post(
    '/language',
    {
      config: { auth: { scope: 'write' } },
      schema: {
        tags: ['aero'],
        summary: 'Aero: set the system prompt of your own default agent',
        description: 'Changes the prompt for the calling user’s future calls only. Admins may pass `userId` to set it for one of their users.',
        body: z.strictObject({ prompt: z.string().trim().min(1).max(20_000), userId: userRef.optional() }),
        response: { 200: z.object({ message: z.literal('System prompt updated'), agentId: z.uuid() }), ...errors },
      },
    },
    async (request) => {
      const agent = await setOwnDefaultInstructions(db, principalOf(request), {
        userRef: request.body.userId,
        instructions: request.body.prompt,
      });
      return { message: 'System prompt updated' as const, agentId: agent.id };
    },
  );
  return Promise.resolve();
};
