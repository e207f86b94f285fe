import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scopes } from '../../core/principal.ts';
import { displayPrefix } from '../../services/auth/api-keys.ts';
import type { ApiKeyRow } from '../../store/schema/api-keys.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import type { IdentityHttpDeps } from '../identity-deps.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

export const apiKeySchema = z
  .object({
    id: z.string(),
    prefix: z.string().describe('The public part of the key, sb_live_<id>: enough to recognise it, useless to authenticate'),
    name: z.string(),
    scopes: z.array(z.enum(scopes)),
    lastUsedAt: z.iso.datetime().nullable().describe('Updated at most once a minute'),
    createdAt: z.iso.datetime(),
  })
  .describe('ApiKey');

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(scopes)).min(1).max(scopes.length).describe('read, write, calls, admin'),
});

export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().describe('The full key. Shown this once; store it now.') });

export function toApiKeyDto(row: ApiKeyRow): z.infer<typeof apiKeySchema> {
  return {
    id: row.id,
    prefix: displayPrefix(row),
    name: row.name,
    scopes: [...row.scopes],
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** `/v1/api-keys`: the tenant's keys for server-to-server use. Needs the `admin` scope. */
export const apiKeyRoutes: FastifyPluginAsyncZod<{ identity: IdentityHttpDeps }> = (app, { identity }) => {
  app.post(
    '/',
    {
      config: { auth: { scope: 'admin' } },
      schema: { tags: ['api-keys'], summary: 'Create an API key (shown once)', body: createApiKeyBody, response: { 201: createdApiKeySchema, ...errors } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { row, key } = await identity.apiKeys.create({
        tenantId: principal.tenantId,
        name: request.body.name,
        scopes: request.body.scopes,
        createdByUserId: principal.userId,
      });
      return reply.code(201).send({ ...toApiKeyDto(row), key });
    },
  );

  app.get(
    '/',
    {
      config: { auth: { scope: 'admin' } },
      schema: { tags: ['api-keys'], summary: 'List the tenant’s live API keys (never the secrets)', response: { 200: z.object({ items: z.array(apiKeySchema) }), ...errors } },
    },
    async (request) => ({ items: (await identity.apiKeys.list(principalOf(request).tenantId)).map(toApiKeyDto) }),
  );

  app.delete(
    '/:keyId',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key, at once',
        params: z.strictObject({ keyId: z.string().min(1).max(64) }),
        response: { 204: z.null().describe('Revoked'), ...errors },
      },
    },
    async (request, reply) => {
      await identity.apiKeys.revoke(principalOf(request).tenantId, request.params.keyId);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};
