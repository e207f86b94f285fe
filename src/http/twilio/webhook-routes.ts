import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IncomingCallAnswer } from '../../services/telephony/inbound-calls.ts';
import { twilioCallStatuses, type TwilioCallStatus } from '../../services/telephony/status-callbacks.ts';
import { connectStreamTwiml, lineMessages, localized, sayAndHangUpTwiml } from '../../services/telephony/twiml.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import type { IvrIncomingCall, TwilioHttpDeps } from './deps.ts';
import { twilioWebhookPlugin } from './twilio-webhook-plugin.ts';
import { twilioStatusParams, twilioStatusQuery, twilioVoiceParams } from './webhook-schemas.ts';

/** TwiML is sent as `text/xml`, which Fastify never runs through the JSON serializer; the schema types and documents it. */
const responses = { 200: z.string().describe('TwiML (text/xml)'), 400: errorEnvelopeSchema, 403: errorEnvelopeSchema, 503: errorEnvelopeSchema };
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

function isTwilioCallStatus(status: string): status is TwilioCallStatus {
  return (twilioCallStatuses as readonly string[]).includes(status);
}

/**
 * Twilio's webhooks, public but signed (`X-Twilio-Signature`, checked before anything else by
 * {@link twilioWebhookPlugin}): the voice URL of a number (`/twilio/voice`, and HandleHome's
 * `/incoming-call`) and the status callback (`/twilio/status`). Register without a prefix.
 */
export const twilioWebhookRoutes: FastifyPluginAsyncZod<TwilioHttpDeps> = async (app, deps) => {
  await app.register(twilioWebhookPlugin, deps.webhooks);

  async function twimlFor(answer: IncomingCallAnswer, call: Omit<IvrIncomingCall, 'tenantId' | 'phoneNumber'>): Promise<string> {
    switch (answer.kind) {
      case 'stream':
        return connectStreamTwiml(deps.streamUrl, { callId: answer.callId, streamToken: answer.streamToken });
      case 'ivr':
        // The IVR hook (another module) answers ivr-mode numbers; until it is wired they are not available.
        if (deps.ivr !== undefined) return deps.ivr({ ...call, tenantId: answer.tenantId, phoneNumber: answer.phoneNumber });
        return sayAndHangUpTwiml(localized(lineMessages.unavailable, 'fr'), { language: 'fr-FR' });
      case 'unknown_number':
        return sayAndHangUpTwiml(lineMessages.unknownNumber.text, { language: lineMessages.unknownNumber.language });
      case 'unavailable': {
        const message = answer.reason === 'busy' ? lineMessages.busy : lineMessages.unavailable;
        return sayAndHangUpTwiml(localized(message, answer.language));
      }
      default: {
        const unknown: never = answer;
        throw new Error(`unhandled answer ${JSON.stringify(unknown)}`);
      }
    }
  }

  for (const url of ['/twilio/voice', '/incoming-call']) {
    app.post(
      url,
      {
        schema: {
          tags: ['twilio'],
          summary: url === '/twilio/voice' ? 'Twilio voice webhook: answer an incoming call with TwiML' : 'HandleHome’s voice webhook (same as /twilio/voice)',
          description:
            'Signed by Twilio (`X-Twilio-Signature`). The called number (`To`) selects the tenant and agent; the answer is `text/xml` TwiML: `<Connect><Stream>` to the media endpoint, or a polite `<Say>` and `<Hangup>`.',
          security: [],
          body: twilioVoiceParams,
          response: responses,
        },
      },
      async (request, reply) => {
        const { CallSid: callSid, From: from, To: to } = request.body;
        const answer = await deps.inbound.answer({ callSid, from, to });
        const twiml = await twimlFor(answer, { callSid, from, to });
        return reply.type('text/xml; charset=utf-8').send(twiml);
      },
    );
  }

  app.post(
    '/twilio/status',
    {
      schema: {
        tags: ['twilio'],
        summary: 'Twilio call status callback',
        description:
          'Signed by Twilio. Updates the phone call (status, duration, recording) and ends or fails the call when the phone call is over. Always 200 for a verified request, even for an unknown `CallSid` (logged), so Twilio does not retry.',
        security: [],
        querystring: twilioStatusQuery,
        body: twilioStatusParams,
        response: responses,
      },
    },
    async (request, reply) => {
      const { CallSid: callSid, CallStatus: status, CallDuration, RecordingUrl, RecordingSid, RecordingDuration } = request.body;
      if (!isTwilioCallStatus(status)) {
        request.log.warn({ status }, 'twilio status callback with an unknown CallStatus ignored');
      } else {
        await deps.statusCallbacks.apply({
          callSid,
          callId: request.query.callId,
          status,
          durationS: CallDuration,
          recordingUrl: RecordingUrl,
          recordingSid: RecordingSid,
          recordingDurationS: RecordingDuration,
        });
      }
      return reply.type('text/xml; charset=utf-8').send(EMPTY_TWIML);
    },
  );
};
