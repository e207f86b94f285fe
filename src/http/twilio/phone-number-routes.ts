import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { e164Number, type PhoneNumbers } from '../../services/telephony/phone-numbers.ts';
import { phoneNumberModes, type PhoneNumberRow } from '../../store/schema/phone-numbers.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

const phoneNumberSchema = z
  .object({
    id: z.uuid(),
    number: z.string().describe('E.164'),
    agentId: z.uuid().nullable().describe('The agent that answers; null = the tenant’s default agent'),
    mode: z.enum(phoneNumberModes).describe('`realtime`: a voice agent over a media stream; `ivr`: the classic TwiML IVR'),
    label: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('PhoneNumber');

const label = z.string().trim().min(1).max(100).nullable();
const createBody = z.strictObject({ number: e164Number, agentId: z.uuid().nullable().optional(), mode: z.enum(phoneNumberModes).optional(), label: label.optional() });
const updateBody = z.strictObject({ agentId: z.uuid().nullable().optional(), mode: z.enum(phoneNumberModes).optional(), label: label.optional() });
const idParams = z.strictObject({ phoneNumberId: z.uuid() });

function toDto(row: PhoneNumberRow): z.infer<typeof phoneNumberSchema> {
  return {
    id: row.id,
    number: row.number,
    agentId: row.agentId,
    mode: row.mode,
    label: row.label,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * `/v1/phone-numbers`: the numbers the tenant answers (admin scope). A number belongs to at most one
 * tenant on the server (409 `phone_number_taken`); configure its Voice URL at Twilio as
 * `PUBLIC_URL/twilio/voice` and its status callback as `PUBLIC_URL/twilio/status` (docs/twilio.md).
 */
export const phoneNumberRoutes: FastifyPluginAsyncZod<{ phoneNumbers: PhoneNumbers }> = (app, { phoneNumbers }) => {
  const admin = { auth: { scope: 'admin' } } as const;
  const tags = ['phone-numbers'];

  app.post(
    '/',
    {
      config: admin,
      schema: { tags, summary: 'Add a phone number', body: createBody, response: { 201: phoneNumberSchema, 409: errorEnvelopeSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(toDto(await phoneNumbers.create(principalOf(request), request.body))),
  );

  app.get(
    '/',
    { config: admin, schema: { tags, summary: 'The tenant’s phone numbers', response: { 200: z.object({ items: z.array(phoneNumberSchema) }), ...errors } } },
    async (request) => ({ items: (await phoneNumbers.list(principalOf(request))).map(toDto) }),
  );

  app.get(
    '/:phoneNumberId',
    { config: admin, schema: { tags, summary: 'Get a phone number', params: idParams, response: { 200: phoneNumberSchema, ...errors } } },
    async (request) => toDto(await phoneNumbers.get(principalOf(request), request.params.phoneNumberId)),
  );

  app.patch(
    '/:phoneNumberId',
    {
      config: admin,
      schema: { tags, summary: 'Change a number’s agent, mode or label', params: idParams, body: updateBody, response: { 200: phoneNumberSchema, ...errors } },
    },
    async (request) => toDto(await phoneNumbers.update(principalOf(request), request.params.phoneNumberId, request.body)),
  );

  app.delete(
    '/:phoneNumberId',
    { config: admin, schema: { tags, summary: 'Remove a phone number', params: idParams, response: { 204: z.null().describe('Deleted'), ...errors } } },
    async (request, reply) => {
      await phoneNumbers.delete(principalOf(request), request.params.phoneNumberId);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};
