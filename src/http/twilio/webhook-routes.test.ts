/**
 * The voice webhook's answers for each kind of incoming call, with the services replaced: in
 * particular what an `ivr`-mode number gets when no IVR is wired (the application always wires one).
 */
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import type { IncomingCallAnswer, InboundCalls } from '../../services/telephony/inbound-calls.ts';
import { TwilioSignatureVerifier } from '../../services/telephony/twilio-signature.ts';
import type { PhoneNumberRow } from '../../store/schema/phone-numbers.ts';
import { connectStreamOf, parseTwiml } from '../../testing/twiml-parser.ts';
import { TEST_PUBLIC_URL, TEST_TWILIO_AUTH_TOKEN, twilioPost, voiceParams } from '../../testing/twilio-webhooks.ts';
import type { IvrAnswerHook, TwilioHttpDeps } from './deps.ts';
import { twilioWebhookRoutes } from './webhook-routes.ts';

const phoneNumber = { id: 'p', tenantId: 't', number: '+33100000090', agentId: null, mode: 'ivr', label: null, createdAt: new Date(0), updatedAt: new Date(0) } satisfies PhoneNumberRow;

async function appAnswering(answer: IncomingCallAnswer, ivr?: IvrAnswerHook) {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Only what the voice route touches; the other services are never reached here.
  const inbound = { answer: () => Promise.resolve(answer) } as unknown as InboundCalls;
  const deps = {
    webhooks: { verifier: new TwilioSignatureVerifier({ authToken: TEST_TWILIO_AUTH_TOKEN, publicUrl: TEST_PUBLIC_URL, refuseWhenUnconfigured: true }), trustProxy: false },
    inbound,
    streamUrl: 'wss://voice.switchboard.test/twilio/media',
    ivr,
  } as unknown as TwilioHttpDeps;
  await app.register(twilioWebhookRoutes, deps);
  return app;
}

async function answerOf(answer: IncomingCallAnswer, ivr?: IvrAnswerHook): Promise<string> {
  const app = await appAnswering(answer, ivr);
  try {
    const res = await app.inject(twilioPost('/twilio/voice', voiceParams({ to: phoneNumber.number })));
    expect(res.statusCode).toBe(200);
    return res.body;
  } finally {
    await app.close();
  }
}

describe('voice webhook answers', () => {
  it('streams a realtime call', async () => {
    expect(connectStreamOf(await answerOf({ kind: 'stream', tenantId: 't', callId: 'c', streamToken: 's' })).parameters).toEqual({ callId: 'c', streamToken: 's' });
  });

  it('says the line is not available (French) for an ivr number when no IVR is wired, and uses the IVR when it is', async () => {
    const unwired = parseTwiml(await answerOf({ kind: 'ivr', tenantId: 't', phoneNumber }));
    expect(unwired.children.map((verb) => verb.name)).toEqual(['Say', 'Hangup']);
    expect(unwired.children[0]).toMatchObject({ attributes: { language: 'fr-FR' } });
    const calls: unknown[] = [];
    const wired = await answerOf({ kind: 'ivr', tenantId: 't', phoneNumber }, (call) => {
      calls.push(call);
      return Promise.resolve('<Response><Pause/></Response>');
    });
    expect(wired).toBe('<Response><Pause/></Response>');
    expect(calls).toMatchObject([{ tenantId: 't', phoneNumber: { id: 'p' }, to: phoneNumber.number }]);
  });

  it('says the lines are busy in the agent’s language', async () => {
    const busy = parseTwiml(await answerOf({ kind: 'unavailable', tenantId: 't', reason: 'busy', language: 'fr-FR' }));
    expect(busy.children[0]?.text).toContain('toutes nos lignes sont occupées');
  });
});
