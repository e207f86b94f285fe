import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { getUser } from '../../store/queries/users.ts';
import { emailField, passwordField, presentedPassword } from '../auth/schemas.ts';
import { authenticationPlugin, principalOf } from '../authentication.ts';
import { useCompatErrorBodies } from '../compat-errors.ts';
import type { IdentityHttpDeps } from '../identity-deps.ts';
import { loginRateLimit, signupRateLimit } from '../security/rate-limit-policies.ts';
import { auraAudioRoutes } from './audio-routes.ts';
import type { AuraHttpDeps } from './deps.ts';
import { auraFeedbackRoutes, auraHealthRoute } from './feedback-routes.ts';
import { auraSelfTestRoute } from './self-test-route.ts';
import { auraErrors, auraTokenSchema, auraUserSchema, fullName, toAuraToken, toAuraUser } from './schemas.ts';
import { auraSessionRoutes } from './session-routes.ts';

/**
 * Login as JSON `{ email, password }` or as the OAuth2 password form FastAPI clients post
 * (`username`, `password`, optionally `grant_type=password`, `scope`, `client_id`, `client_secret`).
 */
const loginBody = z
  .strictObject({
    email: emailField.optional(),
    username: z.string().trim().min(1).max(254).optional().describe('OAuth2 form: the email'),
    password: presentedPassword,
    grant_type: z.literal('password').optional(),
    scope: z.string().max(200).optional(),
    client_id: z.string().max(200).optional(),
    client_secret: z.string().max(200).optional(),
  })
  .refine((b) => b.email !== undefined || b.username !== undefined, { message: 'send email (JSON) or username (form)', path: ['email'] });

/** FastAPI clients post the OAuth2 login as a form: parsed here, for this surface only. */
function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });
}

/** The AURA surface (docs/aura.md), under `/api/v1`: identity, sessions, audio, feedback, analytics. Error bodies add `detail`. */
export const auraRoutes: FastifyPluginAsyncZod<{ identity: IdentityHttpDeps; aura: AuraHttpDeps }> = async (app, { identity, aura }) => {
  useCompatErrorBodies(app, (_error, envelope) => ({ detail: envelope.message }));
  acceptForms(app);
  await app.register(auraHealthRoute, { aura });

  app.post(
    '/auth/register',
    {
      config: { limits: signupRateLimit },
      schema: {
        tags: ['aura'],
        summary: 'Sign up (a new tenant of your own)',
        description: 'Open when SIGNUP_ENABLED (by default outside production), within the signup limit. Returns the user; log in for tokens.',
        body: z.strictObject({ email: emailField, password: passwordField, full_name: fullName.optional() }),
        response: { 201: auraUserSchema, ...auraErrors },
      },
    },
    async (request, reply) => {
      if (!identity.signupEnabled) throw new AppError('forbidden', 'Self-service signup is disabled on this server; ask its operator for an account');
      const { email, password, full_name: name } = request.body;
      const { user } = await identity.accounts.register({ email, password, name, tenantName: name ?? email });
      return reply.code(201).send(toAuraUser(user));
    },
  );

  app.post(
    '/auth/login',
    {
      config: { limits: loginRateLimit },
      schema: { tags: ['aura'], summary: 'Log in: JSON or the OAuth2 password form', body: loginBody, response: { 200: auraTokenSchema, ...auraErrors } },
    },
    async (request) => {
      const { email, username, password } = request.body;
      const { tokens } = await identity.accounts.login({ email: email ?? username ?? '', password });
      return toAuraToken(tokens);
    },
  );

  await app.register(async (context) => {
    const authenticated = context.withTypeProvider<ZodTypeProvider>();
    await authenticated.register(authenticationPlugin, { authenticate: identity.authenticate });
    const self = { auth: { scope: 'read', user: true } } as const;
    const me = async (request: Parameters<typeof principalOf>[0]) => {
      const principal = principalOf(request);
      const user = await getUser(identity.db, { tenantId: principal.tenantId, userId: principal.userId ?? '' });
      if (!user) throw new AppError('unauthenticated', 'The authenticated user no longer exists');
      return toAuraUser(user);
    };

    authenticated.get('/auth/me', { config: self, schema: { tags: ['aura'], summary: 'Who you are', response: { 200: auraUserSchema, ...auraErrors } } }, me);
    authenticated.get('/user/profile', { config: self, schema: { tags: ['aura'], summary: 'Your profile', response: { 200: auraUserSchema, ...auraErrors } } }, me);
    authenticated.put(
      '/user/profile',
      {
        config: self,
        schema: { tags: ['aura'], summary: 'Change your name', body: z.strictObject({ full_name: fullName.nullable() }), response: { 200: auraUserSchema, ...auraErrors } },
      },
      async (request) => toAuraUser(await identity.accounts.updateProfile(principalOf(request), { name: request.body.full_name })),
    );
    await authenticated.register(auraSessionRoutes, { aura });
    await authenticated.register(auraFeedbackRoutes, { aura });
    await authenticated.register(auraSelfTestRoute, { aura });
    // Its own context: the upload body parsers apply to the audio routes only.
    await authenticated.register(auraAudioRoutes, { aura });
  });
};
