import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../authentication.ts';
import { companySchema, toCompanyDto } from './company-schemas.ts';
import type { LydiaDeps } from './deps.ts';
import { emailField, fromLydiaRole, lydiaErrors, lydiaRole, lydiaUserSchema, messageSchema, passwordField, personName, toLydiaUser } from './schemas.ts';

const userIdParams = z.strictObject({ userId: z.string().min(1).max(100) });
const userResponse = z.object({ success: z.literal(true), user: lydiaUserSchema });

const createBody = z.strictObject({
  email: emailField,
  firstName: personName,
  lastName: personName,
  role: lydiaRole.default('user'),
  password: passwordField.optional().describe('Initial password; omitted: a strong one is generated and returned once'),
});

/** Lydia `/api/users`: admins manage their company's users; a member reads and renames only themselves. */
export const lydiaUserRoutes: FastifyPluginAsyncZod<LydiaDeps> = (app, { members, companies }) => {
  app.get(
    '/',
    {
      config: { auth: { scope: 'admin' } },
      schema: { tags: ['lydia'], summary: 'Your company’s users', response: { 200: z.object({ success: z.literal(true), users: z.array(lydiaUserSchema) }), ...lydiaErrors } },
    },
    async (request) => ({ success: true as const, users: (await members.list(principalOf(request))).map(toLydiaUser) }),
  );

  app.post(
    '/',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['lydia'],
        summary: 'Add a user to your company',
        body: createBody,
        response: { 201: userResponse.extend({ initialPassword: z.string().nullable().describe('Shown once, when generated') }), ...lydiaErrors },
      },
    },
    async (request, reply) => {
      const { role, ...rest } = request.body;
      const { member, initialPassword } = await members.create(principalOf(request), { ...rest, role: fromLydiaRole(role) });
      return reply.code(201).send({ success: true, user: toLydiaUser(member), initialPassword: initialPassword ?? null });
    },
  );

  app.get(
    '/me/company',
    {
      config: { auth: { scope: 'read' } },
      schema: { tags: ['lydia'], summary: 'Your company', response: { 200: z.object({ success: z.literal(true), company: companySchema }), ...lydiaErrors } },
    },
    async (request) => ({ success: true as const, company: toCompanyDto(await companies.own(principalOf(request))) }),
  );

  app.get(
    '/:userId',
    { config: { auth: { scope: 'read' } }, schema: { tags: ['lydia'], summary: 'A user (members: only themselves)', params: userIdParams, response: { 200: userResponse, ...lydiaErrors } } },
    async (request) => ({ success: true as const, user: toLydiaUser(await members.get(principalOf(request), request.params.userId)) }),
  );

  app.put(
    '/:userId',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['lydia'],
        summary: 'Change a user’s names or role',
        description: 'Admins: anyone of the company (a role change ends that user’s sessions; the last admin stays admin). Members: only their own names. An API key needs the read and admin scopes.',
        params: userIdParams,
        body: z.strictObject({ firstName: personName.optional(), lastName: personName.optional(), role: lydiaRole.optional() }),
        response: { 200: userResponse, ...lydiaErrors },
      },
    },
    async (request) => {
      const { role, ...names } = request.body;
      const member = await members.update(principalOf(request), request.params.userId, { ...names, role: role === undefined ? undefined : fromLydiaRole(role) });
      return { success: true as const, user: toLydiaUser(member) };
    },
  );

  app.delete(
    '/:userId',
    {
      config: { auth: { scope: 'admin' } },
      schema: { tags: ['lydia'], summary: 'Remove a user (not the last admin)', params: userIdParams, response: { 200: messageSchema, ...lydiaErrors } },
    },
    async (request) => {
      await members.delete(principalOf(request), request.params.userId);
      return { success: true as const, message: 'User deleted' };
    },
  );
  return Promise.resolve();
};
