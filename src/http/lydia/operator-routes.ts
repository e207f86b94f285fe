import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { slugPattern } from '../../services/tenants.ts';
import { requireOperator } from '../admin/routes.ts';
import { companyDetailsBody, companyIdParams, companySchema, toCompanyDto } from './company-schemas.ts';
import type { LydiaDeps } from './deps.ts';
import { lydiaErrors, messageSchema } from './schemas.ts';

const createBody = companyDetailsBody.extend({
  name: z.string().trim().min(1).max(200),
  slug: z.string().regex(slugPattern, 'a-z, 0-9 and -, up to 48 characters').optional(),
});

/** Lydia `POST /api/companies` and `DELETE /api/companies/:id`: creating and deleting tenants is the operator's (ADMIN_API_KEY). */
export const lydiaOperatorRoutes: FastifyPluginAsyncZod<LydiaDeps> = (app, { identity, companies }) => {
  app.addHook('onRequest', async (request) => {
    await requireOperator(request, identity);
  });

  app.post(
    '/',
    {
      schema: {
        tags: ['lydia'],
        summary: 'Operator: create a company (a tenant)',
        description: 'Needs the operator key. The company then gets its admin from the operator (POST /v1/admin/tenants/:tenantId/api-keys, then POST /api/users).',
        body: createBody,
        response: { 201: z.object({ success: z.literal(true), company: companySchema }), ...lydiaErrors },
      },
    },
    async (request, reply) => reply.code(201).send({ success: true, company: toCompanyDto(await companies.create(request.body)) }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags: ['lydia'],
        summary: 'Operator: delete a company and everything it owns',
        description: 'Users, calls, transcripts, agents and keys go with it. Refused (409) while it has calls in progress.',
        params: companyIdParams,
        response: { 200: messageSchema, ...lydiaErrors },
      },
    },
    async (request) => {
      await companies.delete(request.params.id);
      return { success: true as const, message: 'Company deleted' };
    },
  );
  return Promise.resolve();
};
