import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../authentication.ts';
import { emailField, nameField, passwordField, toUserDto, userSchema } from '../auth/schemas.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import type { IdentityHttpDeps } from '../identity-deps.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema, 409: errorEnvelopeSchema };
const userIdParams = z.strictObject({ userId: z.string().min(1).max(100) });
const role = z.enum(['admin', 'member']);

const createUserBody = z.strictObject({
  email: emailField.optional().describe('To log in with; required unless externalId is given'),
  externalId: z.string().trim().min(1).max(128).optional().describe('Your application’s own id for this person'),
  name: nameField.optional(),
  role: role.default('member'),
  password: passwordField.optional().describe('Initial password; omitted: a strong one is generated and returned once'),
});

/** `/v1/users`: the tenant's users. Admins manage them; a member may read only themselves. */
export const userRoutes: FastifyPluginAsyncZod<{ identity: IdentityHttpDeps }> = (app, { identity }) => {
  const { users } = identity;

  app.get(
    '/',
    {
      config: { auth: { scope: 'admin' } },
      schema: { tags: ['users'], summary: 'List the tenant’s users', response: { 200: z.object({ items: z.array(userSchema) }), ...errors } },
    },
    async (request) => ({ items: (await users.list(principalOf(request))).map(toUserDto) }),
  );

  app.post(
    '/',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['users'],
        summary: 'Add a user (member or admin) to the tenant',
        body: createUserBody,
        response: { 201: z.object({ user: userSchema, initialPassword: z.string().nullable().describe('Shown once, when generated') }), ...errors },
      },
    },
    async (request, reply) => {
      const { email, externalId, name, role: newRole, password } = request.body;
      const { user, initialPassword } = await users.create(principalOf(request), { email, externalId, displayName: name, role: newRole, password });
      return reply.code(201).send({ user: toUserDto(user), initialPassword: initialPassword ?? null });
    },
  );

  app.get(
    '/:userId',
    {
      config: { auth: { scope: 'read' } },
      schema: { tags: ['users'], summary: 'Get a user (members: only themselves)', params: userIdParams, response: { 200: userSchema, ...errors } },
    },
    async (request) => toUserDto(await users.get(principalOf(request), request.params.userId)),
  );

  app.patch(
    '/:userId',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['users'],
        summary: 'Change a user’s role or name',
        description: 'A role change ends the user’s sessions. The last admin of a tenant cannot be demoted.',
        params: userIdParams,
        body: z.strictObject({ role: role.optional(), name: nameField.nullable().optional() }),
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) =>
      toUserDto(await users.update(principalOf(request), request.params.userId, { role: request.body.role, displayName: request.body.name })),
  );

  app.delete(
    '/:userId',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['users'],
        summary: 'Delete a user',
        description: 'Their calls stay (unowned); their own agents and sessions go. The last admin cannot be deleted.',
        params: userIdParams,
        response: { 204: z.null().describe('Deleted'), ...errors },
      },
    },
    async (request, reply) => {
      await users.delete(principalOf(request), request.params.userId);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};
