import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../authentication.ts';
import { currentPasswordRateLimit } from '../security/rate-limit-policies.ts';
import { toCompanySummary, companySummarySchema } from './company-schemas.ts';
import type { LydiaDeps } from './deps.ts';
import { emailField, lydiaErrors, lydiaSessionSchema, lydiaUserSchema, messageSchema, passwordField, personName, presentedPassword, toLydiaSession, toLydiaUser } from './schemas.ts';

const userResponse = z.object({ success: z.literal(true), user: lydiaUserSchema });

const passwordBody = z
  .strictObject({ currentPassword: presentedPassword, newPassword: passwordField, confirmPassword: z.string().max(1024).optional() })
  .refine((b) => b.confirmPassword === undefined || b.confirmPassword === b.newPassword, { message: 'does not match newPassword', path: ['confirmPassword'] });

/** Lydia `/api/auth` routes about the caller's own account; behind authentication, user tokens only. */
export const lydiaAuthAccountRoutes: FastifyPluginAsyncZod<LydiaDeps> = (app, { identity, members, companies }) => {
  const self = { auth: { scope: 'read', user: true } } as const;

  app.get(
    '/me',
    { config: self, schema: { tags: ['lydia'], summary: 'Who you are, and your company', response: { 200: userResponse.extend({ company: companySummarySchema }), ...lydiaErrors } } },
    async (request) => {
      const principal = principalOf(request);
      const member = await members.get(principal, principal.userId ?? '');
      return { success: true as const, user: toLydiaUser(member), company: toCompanySummary(await companies.own(principal)) };
    },
  );

  app.post(
    '/logout',
    {
      config: self,
      schema: {
        tags: ['lydia'],
        summary: 'Log out',
        description: 'With the refresh token: ends that session (its refresh token family). Without: ends every session of yours, access tokens included.',
        body: z.strictObject({ refreshToken: z.string().min(1).max(4096).optional() }).nullish(),
        response: { 200: messageSchema, ...lydiaErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const refreshToken = request.body?.refreshToken;
      if (refreshToken !== undefined && principal.userId !== null) await identity.sessions.logout({ tenantId: principal.tenantId, id: principal.userId }, refreshToken);
      else await identity.accounts.logoutEverywhere(principal);
      return { success: true as const, message: 'Logged out' };
    },
  );

  app.put(
    '/profile',
    {
      config: { ...self, limits: currentPasswordRateLimit },
      schema: {
        tags: ['lydia'],
        summary: 'Change your names or email',
        description: 'A new email needs currentPassword.',
        body: z.strictObject({ firstName: personName.optional(), lastName: personName.optional(), email: emailField.optional(), currentPassword: presentedPassword.optional() }),
        response: { 200: userResponse, ...lydiaErrors },
      },
    },
    async (request) => ({ success: true as const, user: toLydiaUser(await members.updateProfile(principalOf(request), request.body)) }),
  );

  const password = {
    config: { ...self, limits: currentPasswordRateLimit },
    schema: {
      tags: ['lydia'],
      summary: 'Change your password',
      description: 'Needs the current password. Ends every session of yours and returns a fresh one.',
      body: passwordBody,
      response: { 200: lydiaSessionSchema, ...lydiaErrors },
    },
  };
  const changePassword = async (request: Parameters<typeof principalOf>[0] & { body: { currentPassword: string; newPassword: string } }) => {
    const { user, tokens } = await identity.accounts.changePassword(principalOf(request), request.body);
    return toLydiaSession(await members.memberOf(user), tokens);
  };
  app.put('/password', password, changePassword);
  app.post('/password', password, changePassword);
  return Promise.resolve();
};
