import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../authentication.ts';
import type { HandlehomeDeps } from './deps.ts';
import { callRecordSchema, handlehomeErrors, success, toCallRecord, toClient, clientSchema } from './dto.ts';
import { callClientBody, callListQuery, dateParams, idParams, requestStatusBody } from './schemas.ts';

const tags = ['handlehome'];
const read = { auth: { scope: 'read' as const } };
const write = { auth: { scope: 'write' as const } };

/** `/api/calls…`: HandleHome's call records (the seed's `CallsData`), newest first. */
export const handlehomeCallRoutes: FastifyPluginAsyncZod<HandlehomeDeps> = (app, { callRecords }) => {
  app.get(
    '/calls',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: call records, newest first (filters: local day, name, phone, status)',
        querystring: callListQuery,
        response: { 200: z.object({ success: z.literal(true), page: z.number().int(), limit: z.number().int(), total: z.number().int(), data: z.array(callRecordSchema) }), ...handlehomeErrors },
      },
    },
    async (request) => {
      const { page, limit, date, nom, telephone, statut } = request.query;
      const { rows, total } = await callRecords.list(principalOf(request).tenantId, { date, name: nom, phone: telephone, status: statut, offset: (page - 1) * limit, limit });
      return { success: true as const, page, limit, total, data: rows.map(toCallRecord) };
    },
  );

  app.get(
    '/calls/dates',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: number of call records per local day and status',
        response: { 200: success(z.array(z.object({ date: z.iso.date(), statut: z.string(), count: z.number().int() }))), ...handlehomeErrors },
      },
    },
    async (request) => {
      const days = await callRecords.days(principalOf(request).tenantId);
      return { success: true as const, data: days.map((d) => ({ date: d.date, statut: d.status, count: d.count })) };
    },
  );

  app.get(
    '/calls/dates/:dates',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: the call records of one local day (up to 100)',
        params: dateParams,
        response: { 200: success(z.array(callRecordSchema)), ...handlehomeErrors },
      },
    },
    async (request) => {
      const { rows } = await callRecords.list(principalOf(request).tenantId, { date: request.params.dates, offset: 0, limit: 100 });
      return { success: true as const, data: rows.map(toCallRecord) };
    },
  );

  app.get(
    '/calls/:id',
    { config: read, schema: { tags, summary: 'HandleHome: one call record with its client', params: idParams, response: { 200: success(callRecordSchema), ...handlehomeErrors } } },
    async (request) => ({ success: true as const, data: toCallRecord(await callRecords.get(principalOf(request).tenantId, request.params.id)) }),
  );

  app.patch(
    '/calls/:id/status',
    {
      config: write,
      schema: {
        tags,
        summary: 'HandleHome: change a call record’s status (allowed transitions in docs/handlehome.md)',
        params: idParams,
        body: requestStatusBody,
        response: { 200: success(callRecordSchema).extend({ message: z.string() }), ...handlehomeErrors },
      },
    },
    async (request) => {
      const record = await callRecords.changeStatus(principalOf(request).tenantId, request.params.id, request.body.statut);
      return { success: true as const, data: toCallRecord(record), message: `Status set to "${request.body.statut}"` };
    },
  );

  app.put(
    '/calls/:id/client',
    {
      config: write,
      schema: {
        tags,
        summary: 'HandleHome: correct a call record and its client (a record without client gets one)',
        params: idParams,
        body: callClientBody,
        response: { 200: success(z.object({ client: clientSchema.nullable(), call: callRecordSchema })).extend({ message: z.string() }), ...handlehomeErrors },
      },
    },
    async (request) => {
      const b = request.body;
      const record = await callRecords.updateWithCustomer(principalOf(request).tenantId, request.params.id, {
        customer: { firstName: b.prenom, lastName: b.nom, phone: b.telephone, email: b.email, address: b.adresse, companyName: b.entrepriseName },
        request: { requestType: b.type_demande, services: b.services, description: b.description },
      });
      return { success: true as const, data: { client: record.customer ? toClient(record.customer) : null, call: toCallRecord(record) }, message: 'Updated' };
    },
  );

  app.delete(
    '/calls/:id',
    { config: write, schema: { tags, summary: 'HandleHome: delete a call record (its order stays)', params: idParams, response: { 200: z.object({ success: z.literal(true), message: z.string() }), ...handlehomeErrors } } },
    async (request) => {
      await callRecords.delete(principalOf(request).tenantId, request.params.id);
      return { success: true as const, message: 'Call record deleted' };
    },
  );
  return Promise.resolve();
};
