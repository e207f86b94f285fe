import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallService } from '../../services/calls.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { callCreationRateLimit } from '../security/rate-limit-policies.ts';
import {
  callIdParams,
  callPageSchema,
  callSchema,
  createCallBody,
  decodeCursor,
  encodeCursor,
  endCallBody,
  listCallsQuery,
  toCallDto,
  toTranscriptItemDto,
  transcriptItemSchema,
} from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/** `/v1/calls`: create, read, list, transcript, end and delete calls. */
export const callRoutes: FastifyPluginAsyncZod<{ calls: CallService }> = (app, { calls }) => {
  app.post(
    '/',
    {
      config: { auth: { scope: 'calls' }, limits: callCreationRateLimit },
      schema: {
        tags: ['calls'],
        summary: 'Create a call',
        description: 'Creates a call in status `created`; a client then connects its audio to it.',
        body: createCallBody,
        response: { 201: callSchema, 429: errorEnvelopeSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { agentId, userId, channel, metadata } = request.body;
      const call = await calls.create(principalOf(request), { agentId, userRef: userId, channel, metadata });
      return reply.code(201).send(toCallDto(call));
    },
  );

  app.get(
    '/',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['calls'],
        summary: 'List calls, newest first',
        querystring: listCallsQuery,
        response: { 200: callPageSchema, ...errors },
      },
    },
    async (request) => {
      const { userId, status, from, to, cursor, limit } = request.query;
      const rows = await calls.list(principalOf(request), {
        userRef: userId,
        status,
        from: from === undefined ? undefined : new Date(from),
        to: to === undefined ? undefined : new Date(to),
        after: cursor === undefined ? undefined : decodeCursor(cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toCallDto), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
  );

  app.get(
    '/:callId',
    { config: { auth: { scope: 'read' } }, schema: { tags: ['calls'], summary: 'Get a call', params: callIdParams, response: { 200: callSchema, ...errors } } },
    async (request) => toCallDto(await calls.get(principalOf(request), request.params.callId)),
  );

  app.get(
    '/:callId/transcript',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['calls'],
        summary: 'Get a call’s transcript, in conversation order',
        params: callIdParams,
        response: { 200: z.object({ callId: z.uuid(), items: z.array(transcriptItemSchema) }), ...errors },
      },
    },
    async (request) => {
      const items = await calls.transcript(principalOf(request), request.params.callId);
      return { callId: request.params.callId, items: items.map(toTranscriptItemDto) };
    },
  );

  app.post(
    '/:callId/end',
    {
      config: { auth: { scope: 'calls' } },
      schema: {
        tags: ['calls'],
        summary: 'End a call (idempotent)',
        description: 'Ends the call if it is not over yet and returns it with its transcript. Ending an ended call returns it unchanged.',
        params: callIdParams,
        body: endCallBody,
        response: { 200: z.object({ call: callSchema, transcript: z.array(transcriptItemSchema) }), ...errors },
      },
    },
    async (request) => {
      const reason = request.body?.reason ?? 'api_request';
      const { call, transcript } = await calls.end(principalOf(request), request.params.callId, reason);
      return { call: toCallDto(call), transcript: transcript.map(toTranscriptItemDto) };
    },
  );

  app.delete(
    '/:callId',
    {
      config: { auth: { scope: 'write' } },
      schema: {
        tags: ['calls'],
        summary: 'Delete an ended call with its transcript',
        params: callIdParams,
        response: { 204: z.null().describe('Deleted'), 409: errorEnvelopeSchema, ...errors },
      },
    },
    async (request, reply) => {
      await calls.delete(principalOf(request), request.params.callId);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};
