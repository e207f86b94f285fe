import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { agentFromTemplate } from '../../services/agent-templates.ts';
import { createAgentFor, deleteAgentFor, getAgentFor, listAgentsFor, updateAgentFor } from '../../services/agents.ts';
import type { Database } from '../../store/database.ts';
import type { AgentFields } from '../../store/queries/agents.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { agentFieldsSchema, agentIdParams, agentSchema, createAgentBody, toAgentDto } from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/** Drops the keys a partial update did not send, so they keep their stored values. */
function definedFields(input: z.infer<typeof agentFieldsSchema>): Partial<AgentFields> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

/**
 * Refuses an engine this server does not implement, listing those it does, so that an agent can
 * never be saved that no call could run on (a configured key is a separate matter, checked when a call starts).
 */
function checkEngine(engine: string | undefined, implemented: readonly string[]): void {
  if (engine === undefined || implemented.includes(engine)) return;
  const message = `The engine "${engine}" is not available on this server; implemented engines: ${implemented.join(', ')}`;
  throw new AppError('engine_not_available', message, { details: [{ path: 'body.engine', message: `must be one of ${implemented.join(', ')}` }] });
}

/** `/v1/agents`: the voice agents calls run on. `engines` lists the engines this server implements. */
export const agentRoutes: FastifyPluginAsyncZod<{ db: Database; engines: readonly string[] }> = (app, { db, engines }) => {
  app.post(
    '/',
    {
      config: { auth: { scope: 'write' } },
      schema: {
        tags: ['agents'],
        summary: 'Create an agent from a template, overriding any field',
        body: createAgentBody,
        response: { 201: agentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { template, shared, isDefault, ...overrides } = request.body;
      const fields = { ...agentFromTemplate(template), ...definedFields(overrides) };
      checkEngine(fields.engine, engines);
      const agent = await createAgentFor(db, principalOf(request), { fields, shared, isDefault });
      return reply.code(201).send(toAgentDto(agent));
    },
  );

  app.get(
    '/',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['agents'],
        summary: 'List the tenant’s shared agents and your own',
        response: { 200: z.object({ items: z.array(agentSchema) }), ...errors },
      },
    },
    async (request) => ({ items: (await listAgentsFor(db, principalOf(request))).map(toAgentDto) }),
  );

  app.get(
    '/:agentId',
    { config: { auth: { scope: 'read' } }, schema: { tags: ['agents'], summary: 'Get an agent', params: agentIdParams, response: { 200: agentSchema, ...errors } } },
    async (request) => toAgentDto(await getAgentFor(db, principalOf(request), request.params.agentId)),
  );

  app.patch(
    '/:agentId',
    {
      config: { auth: { scope: 'write' } },
      schema: {
        tags: ['agents'],
        summary: 'Change an agent; calls already started keep the version they started with',
        params: agentIdParams,
        body: agentFieldsSchema,
        response: { 200: agentSchema, ...errors },
      },
    },
    async (request) => {
      checkEngine(request.body.engine, engines);
      return toAgentDto(await updateAgentFor(db, principalOf(request), request.params.agentId, definedFields(request.body)));
    },
  );

  app.delete(
    '/:agentId',
    {
      config: { auth: { scope: 'write' } },
      schema: {
        tags: ['agents'],
        summary: 'Delete an agent; its past calls keep their snapshot of it',
        params: agentIdParams,
        response: { 204: z.null().describe('Deleted'), ...errors },
      },
    },
    async (request, reply) => {
      await deleteAgentFor(db, principalOf(request), request.params.agentId);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};
