import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { secretsEqual } from '../../services/auth/secret-compare.ts';
import { createTenantWithDefaults, slugPattern } from '../../services/tenants.ts';
import { getTenant, listTenants } from '../../store/queries/tenants.ts';
import { createApiKeyBody, createdApiKeySchema, toApiKeyDto } from '../api-keys/routes.ts';
import { nameField, tenantSchema, toTenantDto } from '../auth/schemas.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import type { IdentityHttpDeps } from '../identity-deps.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema, 409: errorEnvelopeSchema };

function presentedSecret(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return m?.[1];
}

/**
 * Refuses anything but the operator key (`ADMIN_API_KEY`, compared in constant time). Without one
 * configured, every request is `unauthenticated` and told so. A valid tenant credential is
 * `forbidden` (it is real, just not enough); anything else is `unauthenticated`.
 */
export async function requireOperator(request: FastifyRequest, identity: IdentityHttpDeps): Promise<void> {
  if (identity.operatorKey === undefined) {
    throw new AppError('unauthenticated', 'Operator routes are disabled: the operator key is not configured on this server (no ADMIN_API_KEY)');
  }
  const presented = presentedSecret(request);
  if (presented !== undefined && secretsEqual(presented, identity.operatorKey)) return;
  if (presented === undefined) throw new AppError('unauthenticated', 'Operator routes need the operator key (ADMIN_API_KEY) as a Bearer token or x-api-key');
  const tenantCredential = await identity.authenticate(request).then(
    () => true,
    () => false,
  );
  if (tenantCredential) throw new AppError('forbidden', 'Operator routes need the operator key (ADMIN_API_KEY), not a tenant credential');
  throw new AppError('unauthenticated', 'The operator key is invalid');
}

/**
 * `/v1/admin`: what the operator key may do, and nothing more: create and list tenants, and create a
 * tenant's first API keys (with which the tenant's backend can then add users).
 */
export const adminRoutes: FastifyPluginAsyncZod<{ identity: IdentityHttpDeps }> = (app, { identity }) => {
  app.addHook('onRequest', async (request) => {
    await requireOperator(request, identity);
  });

  app.post(
    '/tenants',
    {
      schema: {
        tags: ['admin'],
        summary: 'Operator: create a tenant',
        body: z.strictObject({ name: nameField, slug: z.string().regex(slugPattern, 'a-z, 0-9 and -, up to 48 characters').optional() }),
        response: { 201: tenantSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(toTenantDto(await createTenantWithDefaults(identity.db, request.body))),
  );

  app.get(
    '/tenants',
    { schema: { tags: ['admin'], summary: 'Operator: list tenants', response: { 200: z.object({ items: z.array(tenantSchema) }), ...errors } } },
    async () => ({ items: (await listTenants(identity.db)).map(toTenantDto) }),
  );

  app.post(
    '/tenants/:tenantId/api-keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Operator: create an API key for a tenant (shown once)',
        params: z.strictObject({ tenantId: z.string().max(100) }),
        body: createApiKeyBody,
        response: { 201: createdApiKeySchema, ...errors },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.params;
      const tenant = isUuid(tenantId) ? await getTenant(identity.db, { tenantId }) : undefined;
      if (!tenant) throw new AppError('tenant_not_found', 'Tenant not found');
      const { row, key } = await identity.apiKeys.create({ tenantId: tenant.id, name: request.body.name, scopes: request.body.scopes, createdByUserId: null });
      return reply.code(201).send({ ...toApiKeyDto(row), key });
    },
  );
  return Promise.resolve();
};
