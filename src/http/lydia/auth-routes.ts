import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { loginRateLimit, signupRateLimit } from '../security/rate-limit-policies.ts';
import type { LydiaDeps } from './deps.ts';
import { emailField, lydiaErrors, lydiaSessionSchema, messageSchema, passwordField, personName, presentedPassword, toLydiaSession } from './schemas.ts';

const registerBody = z.strictObject({
  email: emailField,
  password: passwordField,
  firstName: personName,
  lastName: personName,
  companyName: z.string().trim().min(1).max(200).optional().describe('Name of your new company; default "<firstName> <lastName>"'),
});

const resetBody = z
  .strictObject({ password: passwordField, confirmPassword: z.string().max(1024).optional() })
  .refine((b) => b.confirmPassword === undefined || b.confirmPassword === b.password, { message: 'does not match password', path: ['confirmPassword'] });

const errors = { ...lydiaErrors, 429: lydiaErrors[400] };

/** Lydia `/api/auth` routes that need no credential: signup, login, refresh, forgotten password. */
export const lydiaAuthPublicRoutes: FastifyPluginAsyncZod<LydiaDeps> = (app, { identity, members, passwordResets }) => {
  app.post(
    '/register',
    {
      config: { limits: signupRateLimit },
      schema: {
        tags: ['lydia'],
        summary: 'Sign up: a new company with you as its admin',
        description: 'Open when SIGNUP_ENABLED (by default outside production), within the signup limit. Never joins an existing company; admins add users with POST /api/users.',
        body: registerBody,
        response: { 201: lydiaSessionSchema, ...errors },
      },
    },
    async (request, reply) => {
      if (!identity.signupEnabled) throw new AppError('forbidden', 'Self-service signup is disabled on this server; ask its operator for an account');
      const { firstName, lastName } = request.body;
      const { member, tokens } = await members.register({ ...request.body, companyName: request.body.companyName ?? `${firstName} ${lastName}` });
      return reply.code(201).send(toLydiaSession(member, tokens));
    },
  );

  app.post(
    '/login',
    {
      config: { limits: loginRateLimit },
      schema: { tags: ['lydia'], summary: 'Log in with email and password', body: z.strictObject({ email: emailField, password: presentedPassword }), response: { 200: lydiaSessionSchema, ...errors } },
    },
    async (request) => {
      const { user, tokens } = await identity.accounts.login(request.body);
      return toLydiaSession(await members.memberOf(user), tokens);
    },
  );

  app.post(
    '/refresh-token',
    {
      schema: {
        tags: ['lydia'],
        summary: 'Trade a refresh token for a new pair',
        description: 'The refresh token is used up. A used one presented again ends its session; an access token is refused.',
        body: z.strictObject({ refreshToken: z.string().min(1).max(4096) }),
        response: { 200: lydiaSessionSchema, ...errors },
      },
    },
    async (request) => {
      const { user, tokens } = await identity.sessions.refresh(request.body.refreshToken);
      return toLydiaSession(await members.memberOf(user), tokens);
    },
  );

  app.post(
    '/forgot-password',
    {
      config: { limits: loginRateLimit },
      schema: {
        tags: ['lydia'],
        summary: 'Mail a password reset link (valid 30 minutes, once)',
        description: 'Answers 202 whether or not the email has an account. 503 not_configured when the server has no SMTP_URL.',
        body: z.strictObject({ email: emailField }),
        response: { 202: messageSchema, ...errors },
      },
    },
    async (request, reply) => {
      await passwordResets.request(request.body.email);
      return reply.code(202).send({ success: true, message: 'If an account exists for this email, a reset link is on its way' });
    },
  );

  const reset = {
    schema: {
      tags: ['lydia'],
      summary: 'Choose a new password with a reset token',
      description: 'The token works once. Every session of the account ends; the answer is a fresh one.',
      params: z.strictObject({ token: z.string().min(1).max(200) }),
      body: resetBody,
      response: { 200: lydiaSessionSchema, ...errors },
    },
  };
  const resetHandler = async (request: { params: { token: string }; body: { password: string } }) => {
    const { user, tokens } = await passwordResets.reset(request.params.token, request.body.password);
    return toLydiaSession(await members.memberOf(user), tokens);
  };
  app.put('/reset-password/:token', reset, resetHandler);
  app.post('/reset-password/:token', reset, resetHandler);
  return Promise.resolve();
};
