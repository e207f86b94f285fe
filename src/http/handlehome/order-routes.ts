import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderInput } from '../../services/handlehome/orders.ts';
import type { OrderLineItem } from '../../store/schema/handlehome-orders.ts';
import { principalOf } from '../authentication.ts';
import type { HandlehomeDeps } from './deps.ts';
import { handlehomeErrors, orderSchema, success, toOrder } from './dto.ts';
import { availabilityQuery, idParams, orderBody, orderListQuery, orderStatusBody, orderUpdateBody, slotsQuery, type LineItemBody } from './schemas.ts';

const tags = ['handlehome'];
const read = { auth: { scope: 'read' as const } };
const write = { auth: { scope: 'write' as const } };

function lineItem(item: LineItemBody): OrderLineItem {
  const price = item.prixUnitaire ?? null;
  return {
    productId: item.produitId ?? null,
    name: item.nom,
    category: item.categorie ?? null,
    quantity: item.quantite,
    unitPriceCents: price === null ? null : Math.round(price * 100),
    supplements: item.supplements ?? [],
    customisation: item.personnalisation ?? null,
  };
}

/** The modality an order type implies when none is sent. */
function modalityOf(type: OrderInput['type']): OrderInput['modality'] {
  if (type === 'Livraison à domicile') return 'Livraison';
  if (type === 'Commande à emporter') return 'À emporter';
  return 'Sur place';
}

type OrderBody = z.infer<typeof orderBody>;

function orderInput(b: OrderBody): OrderInput {
  return {
    customerId: b.client ?? null,
    customerName: b.nom ?? null,
    requestId: b.related_call ?? null,
    date: b.date,
    time: b.heure,
    durationMin: b.duree ?? null,
    type: b.type,
    modality: b.modalite ?? modalityOf(b.type),
    partySize: b.nombrePersonnes ?? null,
    description: b.description ?? null,
    internalNotes: b.notes_internes ?? null,
    items: (b.commandes ?? []).map(lineItem),
    status: b.statut ?? 'confirme',
    force: b.force ?? false,
  };
}

/** `/api/orders…`: HandleHome's orders and appointments, with availability. */
export const handlehomeOrderRoutes: FastifyPluginAsyncZod<HandlehomeDeps> = (app, { orders }) => {
  const pagination = z.object({ page: z.number().int(), limit: z.number().int(), total: z.number().int(), pages: z.number().int() });

  app.post(
    '/orders',
    {
      config: write,
      schema: { tags, summary: 'HandleHome: create an order or appointment (409 slot_unavailable unless it fits, or `force`)', body: orderBody, response: { 201: success(orderSchema), ...handlehomeErrors } },
    },
    async (request, reply) => {
      const row = await orders.create(principalOf(request).tenantId, orderInput(request.body));
      return reply.code(201).send({ success: true as const, data: toOrder(row) });
    },
  );

  app.get(
    '/orders',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: orders, latest slot first (filters: local date, status, type, modality, client)',
        querystring: orderListQuery,
        response: { 200: success(z.array(orderSchema)).extend({ pagination }), ...handlehomeErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { rows, total } = await orders.list(principalOf(request).tenantId, {
        date: q.date,
        status: q.statut,
        type: q.type,
        modality: q.modalite,
        customerId: q.client,
        offset: (q.page - 1) * q.limit,
        limit: q.limit,
      });
      return { success: true as const, data: rows.map(toOrder), pagination: { page: q.page, limit: q.limit, total, pages: Math.ceil(total / q.limit) } };
    },
  );

  app.get(
    '/orders/today',
    { config: read, schema: { tags, summary: 'HandleHome: today’s orders (tenant’s local day), earliest first', response: { 200: success(z.array(orderSchema)), ...handlehomeErrors } } },
    async (request) => ({ success: true as const, data: (await orders.today(principalOf(request).tenantId)).map(toOrder) }),
  );

  app.get(
    '/orders/availability',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: whether a slot is free (opening hours, capacity, not past)',
        querystring: availabilityQuery,
        response: { 200: z.object({ success: z.literal(true), available: z.boolean(), conflicts: z.number().int(), reason: z.string().nullable() }), ...handlehomeErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const check = await orders.availability(principalOf(request).tenantId, { date: q.date, time: q.heure, durationMin: q.duree });
      return { success: true as const, available: check.available, conflicts: check.conflicts, reason: check.reasonText };
    },
  );

  app.get(
    '/orders/ai/available-slots',
    {
      config: read,
      schema: {
        tags,
        summary: 'HandleHome: the free and taken start times of a day',
        querystring: slotsQuery,
        response: { 200: z.object({ success: z.literal(true), availableSlots: z.array(z.string()), occupiedSlots: z.array(z.string()) }), ...handlehomeErrors },
      },
    },
    async (request) => {
      const slots = await orders.slots(principalOf(request).tenantId, { date: request.query.date, durationMin: request.query.duree });
      return { success: true as const, availableSlots: slots.available, occupiedSlots: slots.unavailable };
    },
  );

  app.get(
    '/orders/:id',
    { config: read, schema: { tags, summary: 'HandleHome: one order', params: idParams, response: { 200: success(orderSchema), ...handlehomeErrors } } },
    async (request) => ({ success: true as const, data: toOrder(await orders.get(principalOf(request).tenantId, request.params.id)) }),
  );

  app.put(
    '/orders/:id',
    {
      config: write,
      schema: { tags, summary: 'HandleHome: change an order (a new slot is checked like a booking)', params: idParams, body: orderUpdateBody, response: { 200: success(orderSchema), ...handlehomeErrors } },
    },
    async (request) => {
      const b = request.body;
      const row = await orders.update(principalOf(request).tenantId, request.params.id, {
        customerId: b.client,
        customerName: b.nom,
        requestId: b.related_call,
        date: b.date,
        time: b.heure,
        durationMin: b.duree,
        type: b.type,
        modality: b.modalite,
        partySize: b.nombrePersonnes,
        description: b.description,
        internalNotes: b.notes_internes,
        items: b.commandes?.map(lineItem),
        status: b.statut,
        force: b.force,
      });
      return { success: true as const, data: toOrder(row) };
    },
  );

  app.patch(
    '/orders/:id/status',
    {
      config: write,
      schema: { tags, summary: 'HandleHome: change an order’s status (allowed transitions in docs/handlehome.md)', params: idParams, body: orderStatusBody, response: { 200: success(orderSchema), ...handlehomeErrors } },
    },
    async (request) => ({ success: true as const, data: toOrder(await orders.changeStatus(principalOf(request).tenantId, request.params.id, request.body.statut)) }),
  );

  app.delete(
    '/orders/:id',
    { config: write, schema: { tags, summary: 'HandleHome: delete an order', params: idParams, response: { 200: z.object({ success: z.literal(true), message: z.string() }), ...handlehomeErrors } } },
    async (request) => {
      await orders.delete(principalOf(request).tenantId, request.params.id);
      return { success: true as const, message: 'Order deleted' };
    },
  );
  return Promise.resolve();
};
