import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import type { WebhookEndpoints } from '../../services/webhooks/endpoints.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { jobSchema, toJobDto } from '../jobs/schemas.ts';
import {
  createEndpointBody,
  decodeDeliveryCursor,
  deliveryParams,
  deliverySchema,
  encodeDeliveryCursor,
  endpointIdParams,
  endpointWithSecretSchema,
  listDeliveriesQuery,
  rotateSecretBody,
  toDeliveryDto,
  toEndpointDto,
  updateEndpointBody,
  webhookEndpointSchema,
} from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

export interface WebhookRoutesOptions {
  readonly webhooks: WebhookEndpoints;
  readonly clock: Clock;
  /** Lets this process's job workers pick up a redelivery at once. */
  readonly wake?: () => void;
}

/** `/v1/webhooks`: the tenant's webhook endpoints, their secrets and delivery log (docs/webhooks.md). Needs `admin`. */
export const webhookRoutes: FastifyPluginAsyncZod<WebhookRoutesOptions> = (app, { webhooks, clock, wake }) => {
  const dto = (row: Parameters<typeof toEndpointDto>[0]) => toEndpointDto(row, clock.nowMs());
  const auth = { auth: { scope: 'admin' as const } };

  app.post(
    '/',
    {
      config: auth,
      schema: { tags: ['webhooks'], summary: 'Add a webhook endpoint (its secret is shown once)', body: createEndpointBody, response: { 201: endpointWithSecretSchema, ...errors } },
    },
    async (request, reply) => {
      const { endpoint, secret } = await webhooks.create(principalOf(request).tenantId, request.body);
      return reply.code(201).send({ ...dto(endpoint), secret });
    },
  );

  app.get(
    '/',
    { config: auth, schema: { tags: ['webhooks'], summary: 'List the tenant’s webhook endpoints (never the secrets)', response: { 200: z.object({ items: z.array(webhookEndpointSchema) }), ...errors } } },
    async (request) => ({ items: (await webhooks.list(principalOf(request).tenantId)).map(dto) }),
  );

  app.get(
    '/:endpointId',
    { config: auth, schema: { tags: ['webhooks'], summary: 'Get a webhook endpoint', params: endpointIdParams, response: { 200: webhookEndpointSchema, ...errors } } },
    async (request) => dto(await webhooks.get(principalOf(request).tenantId, request.params.endpointId)),
  );

  app.patch(
    '/:endpointId',
    {
      config: auth,
      schema: { tags: ['webhooks'], summary: 'Change a webhook endpoint (URL, events, description, enabled)', params: endpointIdParams, body: updateEndpointBody, response: { 200: webhookEndpointSchema, ...errors } },
    },
    async (request) => dto(await webhooks.update(principalOf(request).tenantId, request.params.endpointId, request.body)),
  );

  app.delete(
    '/:endpointId',
    {
      config: auth,
      schema: { tags: ['webhooks'], summary: 'Delete a webhook endpoint and its delivery log', params: endpointIdParams, response: { 204: z.null().describe('Deleted'), ...errors } },
    },
    async (request, reply) => {
      await webhooks.delete(principalOf(request).tenantId, request.params.endpointId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:endpointId/rotate-secret',
    {
      config: auth,
      schema: {
        tags: ['webhooks'],
        summary: 'Replace the signing secret (the new one is shown once)',
        description: 'The previous secret keeps signing beside the new one (a second `v1=` in the header) for `previousSecretValidForS` (default 24 h).',
        params: endpointIdParams,
        body: rotateSecretBody,
        response: { 200: endpointWithSecretSchema, ...errors },
      },
    },
    async (request) => {
      const validForS = request.body?.previousSecretValidForS;
      const { endpoint, secret } = await webhooks.rotateSecret(principalOf(request).tenantId, request.params.endpointId, validForS);
      return { ...dto(endpoint), secret };
    },
  );

  app.get(
    '/:endpointId/deliveries',
    {
      config: auth,
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log of an endpoint, newest first',
        description: 'One entry per attempt: status code, duration, error. Filter by `eventId`.',
        params: endpointIdParams,
        querystring: listDeliveriesQuery,
        response: { 200: z.object({ items: z.array(deliverySchema), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const { eventId, cursor, limit } = request.query;
      const rows = await webhooks.deliveries(principalOf(request).tenantId, request.params.endpointId, {
        limit: limit + 1,
        eventId,
        before: cursor === undefined ? undefined : decodeDeliveryCursor(cursor),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toDeliveryDto), nextCursor: rows.length > limit && last ? encodeDeliveryCursor(last) : null };
    },
  );

  app.post(
    '/:endpointId/deliveries/:deliveryId/redeliver',
    {
      config: auth,
      schema: {
        tags: ['webhooks'],
        summary: 'Send a logged delivery’s event again',
        description: 'Enqueues a new delivery job for the same event (same id, so receivers that processed it drop it). Asking again for the same log entry returns the same job.',
        params: deliveryParams,
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { job } = await webhooks.redeliver(principalOf(request).tenantId, request.params.endpointId, request.params.deliveryId);
      wake?.();
      return reply.code(202).send(toJobDto(job));
    },
  );
  return Promise.resolve();
};
