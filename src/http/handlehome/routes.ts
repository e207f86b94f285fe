import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { businessHoursShape } from '../../services/companies/business-hours.ts';
import { authenticationPlugin, principalOf, type Authenticator } from '../authentication.ts';
import { useCompatErrorBodies } from '../compat-errors.ts';
import { handlehomeCallRoutes } from './call-routes.ts';
import { handlehomeClientRoutes } from './client-routes.ts';
import type { HandlehomeDeps } from './deps.ts';
import { callRecordSchema, clientSchema, handlehomeErrors, orderSchema, success, toCallRecord, toClient, toOrder } from './dto.ts';
import { handlehomeOrderRoutes } from './order-routes.ts';
import { bookingRulesBody, bookingRulesSchema, searchQuery } from './schemas.ts';

const tags = ['handlehome'];
const rulesResponse = success(z.object({ rules: bookingRulesSchema, businessHours: businessHoursShape }));

/** `/api/search` and `/api/booking-rules`. */
const handlehomeMiscRoutes: FastifyPluginAsyncZod<HandlehomeDeps> = (app, { search, settings }) => {
  app.get(
    '/search',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags,
        summary: 'HandleHome: search clients, call records and orders (a day YYYY-MM-DD, a phone number, or text)',
        querystring: searchQuery,
        response: {
          200: success(z.object({ clients: z.array(clientSchema), calls: z.array(callRecordSchema), orders: z.array(orderSchema), totalResults: z.number().int() })),
          ...handlehomeErrors,
        },
      },
    },
    async (request) => {
      const found = await search.search(principalOf(request).tenantId, request.query.query);
      const data = { clients: found.clients.map(toClient), calls: found.calls.map(toCallRecord), orders: found.orders.map(toOrder) };
      return { success: true as const, data: { ...data, totalResults: data.clients.length + data.calls.length + data.orders.length } };
    },
  );

  app.get(
    '/booking-rules',
    { config: { auth: { scope: 'read' } }, schema: { tags, summary: 'HandleHome: booking rules and the business hours they apply to', response: { 200: rulesResponse, ...handlehomeErrors } } },
    async (request) => {
      const current = await settings.get(principalOf(request).tenantId);
      return { success: true as const, data: { rules: current.rules, businessHours: current.hours } };
    },
  );

  app.patch(
    '/booking-rules',
    {
      config: { auth: { scope: 'admin' } },
      schema: { tags, summary: 'HandleHome: change booking rules (slot grid, default duration, capacity, ASAP lead, phone region)', body: bookingRulesBody, response: { 200: rulesResponse, ...handlehomeErrors } },
    },
    async (request) => {
      const updated = await settings.update(principalOf(request).tenantId, request.body);
      return { success: true as const, data: { rules: updated.rules, businessHours: updated.hours } };
    },
  );
  return Promise.resolve();
};

/**
 * The HandleHome surface (docs/handlehome.md), registered under `/api`, behind API keys (or user
 * tokens), scoped to the credential's tenant. Error bodies are our envelope plus `error`.
 */
export const handlehomeRoutes: FastifyPluginAsyncZod<HandlehomeDeps & { authenticate: Authenticator }> = async (app, options) => {
  const deps: HandlehomeDeps = { callRecords: options.callRecords, customers: options.customers, orders: options.orders, search: options.search, settings: options.settings };
  useCompatErrorBodies(app, (_error, envelope) => ({ error: envelope.message }));
  await app.register(authenticationPlugin, { authenticate: options.authenticate });
  await app.register(handlehomeCallRoutes, deps);
  await app.register(handlehomeClientRoutes, deps);
  await app.register(handlehomeOrderRoutes, deps);
  await app.register(handlehomeMiscRoutes, deps);
};
