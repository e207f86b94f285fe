import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { twilioWebhookPlugin, type TwilioWebhookOptions } from '../twilio/twilio-webhook-plugin.ts';
import type { IvrWebhooks } from './ivr-webhooks.ts';
import { ivrCallParams, ivrDialBody, ivrDialQuery, ivrTurnBody, ivrTurnQuery } from './schemas.ts';

export interface TwilioIvrRoutesOptions {
  /** The signature verifier and `TRUST_PROXY`, shared with the other Twilio webhooks. */
  readonly webhooks: TwilioWebhookOptions;
  readonly ivr: IvrWebhooks;
}

/** TwiML is `text/xml`, never run through the JSON serializer; the schema documents it. */
const responses = { 200: z.string().describe('TwiML (text/xml)'), 400: errorEnvelopeSchema, 403: errorEnvelopeSchema, 503: errorEnvelopeSchema };
const signed = 'Public, signed by Twilio (`X-Twilio-Signature` over the full URL, query included, and the form parameters); a missing or wrong signature is 403 and nothing is stored.';

/**
 * The classic IVR's webhooks (docs/ivr.md): the `<Gather>` action of every turn and the `<Dial>`
 * action of a transfer. Twilio reaches them only through URLs we wrote into TwiML; the signature
 * check runs before validation, so an unsigned request learns nothing. Register without a prefix.
 */
export const twilioIvrRoutes: FastifyPluginAsyncZod<TwilioIvrRoutesOptions> = async (app, options) => {
  await app.register(twilioWebhookPlugin, options.webhooks);
  const { ivr } = options;

  app.post(
    '/twilio/ivr/:callId/turn',
    {
      schema: {
        tags: ['twilio'],
        summary: 'IVR turn: what the caller said (Gather action)',
        description: `${signed} Stores the caller's words, answers (transfer, keyword response or the model) and returns the next TwiML; silence re-prompts, then says goodbye.`,
        security: [],
        params: ivrCallParams,
        querystring: ivrTurnQuery,
        body: ivrTurnBody,
        response: responses,
      },
    },
    async (request, reply) => {
      const { CallSid: callSid, SpeechResult: speech, Confidence: confidence } = request.body;
      const twiml = await ivr.turn({ tenantId: request.query.tenantId, callId: request.params.callId, callSid, speech, confidence, silentTurns: request.query.silent });
      return reply.type('text/xml; charset=utf-8').send(twiml);
    },
  );

  app.post(
    '/twilio/ivr/:callId/dial',
    {
      schema: {
        tags: ['twilio'],
        summary: 'IVR transfer ended (Dial action)',
        description: `${signed} A connected transfer ends the call; one nobody answered goes back to the IVR.`,
        security: [],
        params: ivrCallParams,
        querystring: ivrDialQuery,
        body: ivrDialBody,
        response: responses,
      },
    },
    async (request, reply) => {
      const { CallSid: callSid, DialCallStatus: dialStatus } = request.body;
      const twiml = await ivr.dialEnded({ tenantId: request.query.tenantId, callId: request.params.callId, callSid, dialStatus });
      return reply.type('text/xml; charset=utf-8').send(twiml);
    },
  );
};
