import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../core/errors.ts';
import { getTenant } from '../../store/queries/tenants.ts';
import { getUser } from '../../store/queries/users.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import type { IdentityHttpDeps } from '../identity-deps.ts';
import { currentPasswordRateLimit } from '../security/rate-limit-policies.ts';
import { noContent } from './routes.ts';
import { logoutBody, meSchema, passwordBody, profileBody, sessionSchema, toTenantDto, toTokenPairDto, toUserDto, userSchema } from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 409: errorEnvelopeSchema, 429: errorEnvelopeSchema };

/** `/v1/auth` routes about the caller's own account; behind authentication. */
export const authAccountRoutes: FastifyPluginAsyncZod<{ identity: IdentityHttpDeps }> = (app, { identity }) => {
  app.get(
    '/me',
    {
      config: { auth: { scope: 'read' } },
      schema: { tags: ['auth'], summary: 'Who you are: tenant, user (null for an API key), role and scopes', response: { 200: meSchema, ...errors } },
    },
    async (request) => {
      const principal = principalOf(request);
      const tenant = await getTenant(identity.db, { tenantId: principal.tenantId });
      if (!tenant) throw new AppError('unauthenticated', 'The tenant of this credential no longer exists');
      const user = principal.userId === null ? undefined : await getUser(identity.db, { tenantId: principal.tenantId, userId: principal.userId });
      return { kind: principal.kind, role: principal.role, scopes: [...principal.scopes], tenant: toTenantDto(tenant), user: user ? toUserDto(user) : null };
    },
  );

  app.patch(
    '/profile',
    {
      config: { auth: { scope: 'read', user: true }, limits: currentPasswordRateLimit },
      schema: { tags: ['auth'], summary: 'Change your name or email', body: profileBody, response: { 200: userSchema, ...errors } },
    },
    async (request) => toUserDto(await identity.accounts.updateProfile(principalOf(request), request.body)),
  );

  app.post(
    '/password',
    {
      config: { auth: { scope: 'read', user: true }, limits: currentPasswordRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Change your password',
        description: 'Needs the current password. Ends every session of yours (refresh and access tokens) and returns a fresh one.',
        body: passwordBody,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (request) => {
      const { user, tokens } = await identity.accounts.changePassword(principalOf(request), request.body);
      return { ...toTokenPairDto(tokens), user: toUserDto(user) };
    },
  );

  app.post(
    '/logout',
    {
      config: { auth: { scope: 'read', user: true } },
      schema: {
        tags: ['auth'],
        summary: 'Log out: end this session, or every session',
        body: logoutBody,
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (request.body.everywhere === true) await identity.accounts.logoutEverywhere(principal);
      else if (request.body.refreshToken !== undefined && principal.userId !== null) {
        await identity.sessions.logout({ tenantId: principal.tenantId, id: principal.userId }, request.body.refreshToken);
      }
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};
