/**
 * Two instances on one database; a phone call's media stream is bridged by A. Twilio's final status
 * callback (`completed`) that the load balancer sends to B must end the call on A through its session
 * (stream closed, engine closed, reason `twilio_completed`), not only mark the record. Runs on PGlite,
 * and on PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../e2e/socket-io-kit.ts';
import { twilioSignatureOf } from '../../services/telephony/twilio-signature.ts';
import { toneAudio } from '../../testing/fake-openai-realtime/index.ts';
import { connectFakeTwilioMedia } from '../../testing/fake-twilio-media/index.ts';
import { createTestUser } from '../../testing/test-application.ts';
import { connectStreamOf } from '../../testing/twiml-parser.ts';
import { newCallSid, TEST_PUBLIC_URL, TEST_TWILIO_AUTH_TOKEN, twilioTestEnv, voiceParams } from '../../testing/twilio-webhooks.ts';
import { startTwoInstances, type TwoInstances } from '../../testing/two-instances.ts';

const number = '+33100000077';
const pcmu = { type: 'audio/pcmu' } as const;

let instances: TwoInstances;
let headers: Record<string, string>;
beforeAll(async () => {
  instances = await startTwoInstances(
    { script: { userSays: ['Is anybody there?'], replies: [{ type: 'message', text: 'Yes, I am listening. How can I help you today?', audioMs: 6_000 }] } },
    { ...twilioTestEnv, CALL_END_ACK_MS: '1000', CALL_END_WAIT_MS: '8000' },
  );
  const admin = await createTestUser(instances.a.app, { role: 'admin' });
  headers = { ...admin.headers };
  const added = await fetch(`${instances.a.baseUrl}/v1/phone-numbers`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ number }) });
  expect(added.status).toBe(201);
});
afterAll(async () => {
  await instances.close();
});

/** Twilio posting a signed webhook (signed over the public URL) to one instance's local address. */
function twilioWebhook(baseUrl: string, path: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, `${TEST_PUBLIC_URL}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
}

describe('Twilio’s final status callback on the instance that does not bridge the call', () => {
  it('ends the call through its session on A: stream and engine closed, reason twilio_completed', async () => {
    const { a, b, fake } = instances;
    const callSid = newCallSid();
    const answer = await twilioWebhook(a.baseUrl, '/twilio/voice', voiceParams({ to: number, callSid }));
    expect(answer.status).toBe(200);
    const { url, parameters } = connectStreamOf(await answer.text());
    const callId = parameters.callId ?? '';
    const { twilio, closed } = await connectFakeTwilioMedia({
      url: `${a.baseUrl.replace('http:', 'ws:')}${new URL(url).pathname}`,
      headers: { 'X-Twilio-Signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, url) },
      customParameters: parameters,
      callSid,
    });
    twilio.say(toneAudio(700, pcmu));
    // The agent is talking back on A.
    await eventually(() => twilio.receivedAudio().length > 0, 15_000);
    expect([a.app.liveCalls.runs(callId), b.app.liveCalls.runs(callId)]).toEqual([true, false]);
    const session = await fake.waitForSession(1);

    const completed = await twilioWebhook(b.baseUrl, '/twilio/status', { ...voiceParams({ to: number, callSid }), CallStatus: 'completed', CallDuration: '4' });
    expect(completed.status).toBe(200);
    // B answered Twilio once A's session had ended: the record is final already.
    const call = (await (await fetch(`${b.baseUrl}/v1/calls/${callId}`, { headers })).json()) as { status: string; endReason: string };
    expect(call).toMatchObject({ status: 'ended', endReason: 'twilio_completed' });
    expect(a.app.liveCalls.runs(callId)).toBe(false);
    await closed;
    await eventually(() => session.closed, 5_000);
    expect(a.messages(30)).toContain('call ended at the request of another instance');
    // Not closed by B's fallback: the session on A ended it.
    expect(b.messages(30)).not.toContain('call closed by twilio status callback');
    twilio.assertNoProtocolErrors();
  }, 60_000);
});
