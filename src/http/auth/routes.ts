import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import type { IdentityHttpDeps } from '../identity-deps.ts';
import { loginRateLimit, signupRateLimit } from '../security/rate-limit-policies.ts';
import { loginBody, refreshBody, registerBody, sessionSchema, tenantSchema, toTenantDto, toTokenPairDto, toUserDto } from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 409: errorEnvelopeSchema, 429: errorEnvelopeSchema };

/** `/v1/auth` routes that need no credential: signup, login and refresh. */
export const authPublicRoutes: FastifyPluginAsyncZod<{ identity: IdentityHttpDeps }> = (app, { identity }) => {
  app.post(
    '/register',
    {
      config: { limits: signupRateLimit },
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Sign up: create a new tenant with you as its admin',
        description:
          'Open when SIGNUP_ENABLED (by default outside production); never joins an existing tenant. Admins add members with POST /v1/users. Limited to RATE_LIMIT_SIGNUP_PER_IP signups per hour per address, across every signup route.',
        body: registerBody,
        response: { 201: sessionSchema.extend({ tenant: tenantSchema }), ...errors },
      },
    },
    async (request, reply) => {
      if (!identity.signupEnabled) throw new AppError('forbidden', 'Self-service signup is disabled on this server; ask its operator for an account');
      const { user, tenant, tokens } = await identity.accounts.register(request.body);
      return reply.code(201).send({ ...toTokenPairDto(tokens), user: toUserDto(user), tenant: toTenantDto(tenant) });
    },
  );

  app.post(
    '/login',
    {
      config: { limits: loginRateLimit },
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Log in with email and password',
        body: loginBody,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (request) => {
      const { user, tokens } = await identity.accounts.login(request.body);
      return { ...toTokenPairDto(tokens), user: toUserDto(user) };
    },
  );

  app.post(
    '/refresh',
    {
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Trade a refresh token for a new pair (rotation)',
        description:
          'The refresh token is used up; the response carries its successor. Presenting a used refresh token again revokes its whole session. An access token is refused here.',
        body: refreshBody,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (request) => {
      const { user, tokens } = await identity.sessions.refresh(request.body.refreshToken);
      return { ...toTokenPairDto(tokens), user: toUserDto(user) };
    },
  );
  return Promise.resolve();
};

export const noContent = z.null().describe('Done');
