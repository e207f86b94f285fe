import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../authentication.ts';
import type { HandlehomeDeps } from './deps.ts';
import { callRecordSchema, clientSchema, handlehomeErrors, orderSchema, success, toCallRecord, toClient, toOrder } from './dto.ts';
import { clientBody, clientListQuery, clientPatchBody, idParams } from './schemas.ts';

const tags = ['handlehome'];
const read = { auth: { scope: 'read' as const } };
const write = { auth: { scope: 'write' as const } };

/** `/api/clients…`: HandleHome's customers, one per real phone number. */
export const handlehomeClientRoutes: FastifyPluginAsyncZod<HandlehomeDeps> = (app, { customers }) => {
  app.get(
    '/clients',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: clients by name (paginated; `query` filters)',
        querystring: clientListQuery,
        response: { 200: z.object({ success: z.literal(true), page: z.number().int(), limit: z.number().int(), total: z.number().int(), data: z.array(clientSchema) }), ...handlehomeErrors },
      },
    },
    async (request) => {
      const { page, limit, query } = request.query;
      const { rows, total } = await customers.list(principalOf(request).tenantId, { term: query, offset: (page - 1) * limit, limit });
      return { success: true as const, page, limit, total, data: rows.map(toClient) };
    },
  );

  app.post(
    '/clients',
    {
      config: write,
      schema: {
        tags,
        summary: 'HandleHome: create a client (409 if one has this phone number)',
        body: clientBody,
        response: { 201: success(clientSchema).extend({ message: z.string() }), ...handlehomeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await customers.create(principalOf(request).tenantId, {
        firstName: b.prenom,
        lastName: b.nom,
        phone: b.telephone,
        email: b.email ?? null,
        address: b.adresse ?? null,
        companyName: b.entrepriseName ?? null,
      });
      return reply.code(201).send({ success: true as const, data: toClient(row), message: 'Client created' });
    },
  );

  app.get(
    '/clients/:id',
    { config: read, schema: { tags, summary: 'HandleHome: one client', params: idParams, response: { 200: success(clientSchema), ...handlehomeErrors } } },
    async (request) => ({ success: true as const, data: toClient(await customers.get(principalOf(request).tenantId, request.params.id)) }),
  );

  app.patch(
    '/clients/:id',
    { config: write, schema: { tags, summary: 'HandleHome: change a client’s fields', params: idParams, body: clientPatchBody, response: { 200: success(clientSchema), ...handlehomeErrors } } },
    async (request) => {
      const b = request.body;
      const row = await customers.update(principalOf(request).tenantId, request.params.id, {
        firstName: b.prenom,
        lastName: b.nom,
        phone: b.telephone,
        email: b.email,
        address: b.adresse,
        companyName: b.entrepriseName,
      });
      return { success: true as const, data: toClient(row) };
    },
  );

  app.get(
    '/clients/:id/history',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: a client with their call records and orders',
        params: idParams,
        response: { 200: success(z.object({ client: clientSchema, calls: z.array(callRecordSchema), orders: z.array(orderSchema) })), ...handlehomeErrors },
      },
    },
    async (request) => {
      const history = await customers.history(principalOf(request).tenantId, request.params.id);
      const calls = history.calls.map(toCallRecord);
      return { success: true as const, data: { client: toClient(history.customer), calls, orders: history.orders.map(toOrder) } };
    },
  );

  app.delete(
    '/clients/:id',
    { config: write, schema: { tags, summary: 'HandleHome: delete a client (their records stay, without client)', params: idParams, response: { 200: z.object({ success: z.literal(true), message: z.string() }), ...handlehomeErrors } } },
    async (request) => {
      await customers.delete(principalOf(request).tenantId, request.params.id);
      return { success: true as const, message: 'Client deleted' };
    },
  );
  return Promise.resolve();
};
