import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OutboundCalls } from '../../services/telephony/outbound-calls.ts';
import { e164Number } from '../../services/telephony/phone-numbers.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { callCreationRateLimit } from '../security/rate-limit-policies.ts';

const outboundBody = z.strictObject({
  to: e164Number,
  agentId: z.uuid(),
  from: e164Number.optional().describe('One of your numbers; default: the number of that agent, else your first realtime number'),
  metadata: z.record(z.string().max(64), z.string().max(1000)).refine((m) => Object.keys(m).length <= 50, 'at most 50 keys').optional(),
});

const placedSchema = z.object({
  callId: z.uuid(),
  callSid: z.string().describe('Twilio’s CallSid'),
  status: z.string().describe('Twilio’s status of the new call, normally `queued`'),
});

/**
 * `POST /api/calls/outbound`: places a phone call through Twilio's REST API and bridges it to the
 * agent like an incoming call. Counted as a call creation (rate limit and concurrent-call cap).
 */
export const outboundCallRoutes: FastifyPluginAsyncZod<{ outbound: OutboundCalls }> = (app, { outbound }) => {
  app.post(
    '/outbound',
    {
      config: { auth: { scope: 'calls' }, limits: callCreationRateLimit },
      schema: {
        tags: ['calls'],
        summary: 'Place an outbound phone call',
        description:
          'Creates the call, asks Twilio to dial `to` from one of your numbers and bridges the answered call to the agent. Twilio refusing the call is a 502 `provider_error` naming its error code (the call is then `failed`); without Twilio credentials, 503 `not_configured`.',
        body: outboundBody,
        response: {
          201: placedSchema,
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          404: errorEnvelopeSchema,
          429: errorEnvelopeSchema,
          502: errorEnvelopeSchema,
          503: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => reply.code(201).send(await outbound.place(principalOf(request), request.body)),
  );
  return Promise.resolve();
};
