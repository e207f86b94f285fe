import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../authentication.ts';
import type { AuraHttpDeps } from './deps.ts';
import { auraSessionErrors } from './schemas.ts';
import { changesOf, configOf, createSessionBody, listSessionsQuery, sessionIdParams, sessionSchema, toSession, updateSessionBody } from './session-schemas.ts';

const own = { auth: { scope: 'read', user: true } } as const;
const change = { auth: { scope: 'write', user: true } } as const;

/** `/api/v1/sessions`: AURA practice sessions with their config (docs/aura.md). */
export const auraSessionRoutes: FastifyPluginAsyncZod<{ aura: AuraHttpDeps }> = (app, { aura }) => {
  const now = () => aura.clock.nowMs();

  app.post(
    '/sessions',
    { config: change, schema: { tags: ['aura'], summary: 'Create a session', body: createSessionBody, response: { 201: sessionSchema, ...auraSessionErrors } } },
    async (request, reply) => {
      const b = request.body;
      const row = await aura.sessions.create(principalOf(request), {
        userId: b.user_id,
        title: b.title ?? null,
        description: b.description ?? null,
        sessionType: b.session_type ?? b.config?.session_type ?? 'practice',
        language: b.language ?? b.config?.language ?? 'en',
        config: configOf(b.config),
        tags: b.tags ?? [],
      });
      return reply.code(201).send(toSession(row, now()));
    },
  );

  app.get(
    '/sessions',
    {
      config: own,
      schema: {
        tags: ['aura'],
        summary: 'List sessions, newest first',
        description: 'Members see their own; tenant admins see everyone’s, or one user’s with `user_id`.',
        querystring: listSessionsQuery,
        response: { 200: z.object({ sessions: z.array(sessionSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }), ...auraSessionErrors },
      },
    },
    async (request) => {
      const { user_id: userId, status, limit, offset } = request.query;
      const { rows, total } = await aura.sessions.list(principalOf(request), { userId, status, limit, offset });
      return { sessions: rows.map((r) => toSession(r, now())), total, limit, offset };
    },
  );

  app.get(
    '/sessions/:id',
    { config: own, schema: { tags: ['aura'], summary: 'Get a session', params: sessionIdParams, response: { 200: sessionSchema, ...auraSessionErrors } } },
    async (request) => toSession(await aura.sessions.get(principalOf(request), request.params.id), now()),
  );

  app.put(
    '/sessions/:id',
    {
      config: change,
      schema: {
        tags: ['aura'],
        summary: 'Update a session (title, config, status)',
        description: 'Completing a session stores its report (GET …/feedback?feedback_type=report) and the milestones it earns.',
        params: sessionIdParams,
        body: updateSessionBody,
        response: { 200: sessionSchema, ...auraSessionErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { before, after } = await aura.sessions.update(principal, request.params.id, changesOf(request.body));
      if (after.status === 'completed' && before.status !== 'completed') await aura.coaching.complete(after);
      return toSession(after, now());
    },
  );

  app.delete(
    '/sessions/:id',
    {
      config: change,
      schema: { tags: ['aura'], summary: 'Delete a session with its analyses and feedback', params: sessionIdParams, response: { 200: z.object({ message: z.string(), session_id: z.uuid() }), ...auraSessionErrors } },
    },
    async (request) => {
      await aura.sessions.remove(principalOf(request), request.params.id);
      return { message: 'Session deleted', session_id: request.params.id };
    },
  );

  return Promise.resolve();
};
