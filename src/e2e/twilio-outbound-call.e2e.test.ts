/**
 * An outbound phone call end to end over real sockets: `POST /api/calls/outbound` → the fake Twilio
 * REST API records the call → playing Twilio, the test sends signed status callbacks and opens the
 * media stream with the TwiML's parameters → audio both ways through the fake OpenAI upstream → our
 * side ends the call (the API, then the agent's duration limit) → the server hangs up through the
 * REST API (`Status=completed`), and Twilio's final callback stores the duration.
 */
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignatureOf } from '../services/telephony/twilio-signature.ts';
import { createAgent } from '../store/queries/agents.ts';
import { telephonyCalls } from '../store/schema/telephony-calls.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { startFakeTwilioRest, type FakeTwilioRest } from '../testing/fake-twilio-rest/index.ts';
import { connectFakeTwilioMedia, type ConnectedFakeTwilio } from '../testing/fake-twilio-media/index.ts';
import { testAgentFields } from '../testing/store-fixtures.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../testing/test-application.ts';
import { connectStreamOf } from '../testing/twiml-parser.ts';
import { TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN, twilioTestEnv } from '../testing/twilio-webhooks.ts';
import { eventually } from './socket-io-kit.ts';

const pcmu = { type: 'audio/pcmu' } as const;
const callee = '+33655555555';

let fakeRest: FakeTwilioRest;
let fakeAi: FakeRealtimeServer;
let app: TestApplication;
let admin: TestUser;
let baseUrl: string;
let agentId: string;

beforeAll(async () => {
  fakeRest = await startFakeTwilioRest({ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN });
  fakeAi = await startFakeOpenAIRealtime({ script: { replies: [{ type: 'message', text: 'Hello, this is Switchboard calling.', audioMs: 400 }] } });
  app = await startTestApplication({ env: { ...twilioTestEnv, TWILIO_API_BASE_URL: fakeRest.baseUrl, OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: fakeAi.baseUrl } });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  admin = await createTestUser(app, { role: 'admin' });
  agentId = (await (await post('/v1/agents', { name: 'Caller', shared: true })).json() as { id: string }).id;
  expect((await post('/v1/phone-numbers', { number: '+33100000070', agentId })).status).toBe(201);
});
afterAll(async () => {
  await app.close();
  await fakeAi.close();
  await fakeRest.close();
});

function post(path: string, body: object): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function getJson<T>(path: string): Promise<T> {
  return (await (await fetch(`${baseUrl}${path}`, { headers: admin.headers })).json()) as T;
}

/** Places a call and plays Twilio up to the answered stream: callbacks initiated, ringing, in-progress, then the media stream. */
async function placeAndAnswer(agent: string): Promise<{ callId: string; callSid: string; media: ConnectedFakeTwilio }> {
  const res = await post('/api/calls/outbound', { to: callee, agentId: agent });
  expect(res.status).toBe(201);
  const { callId, callSid } = (await res.json()) as { callId: string; callSid: string };
  for (const status of ['initiated', 'ringing', 'in-progress']) expect((await fakeRest.sendStatusCallback(callSid, status, { via: baseUrl })).status).toBe(200);
  const twiml = fakeRest.calls.get(callSid)?.twiml ?? '';
  const { url, parameters } = connectStreamOf(twiml);
  const media = await connectFakeTwilioMedia({
    url: `${baseUrl.replace('http:', 'ws:')}${new URL(url).pathname}`,
    headers: { 'X-Twilio-Signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, url) },
    customParameters: parameters,
    callSid,
    accountSid: TEST_TWILIO_ACCOUNT_SID,
  });
  await eventually(async () => (await getJson<{ status: string }>(`/v1/calls/${callId}`)).status === 'active', 10_000);
  return { callId, callSid, media };
}

function hangUpsOf(callSid: string) {
  return fakeRest.requests.filter((r) => r.path.endsWith(`/Calls/${callSid}.json`) && r.method === 'POST');
}

describe('an outbound Twilio call, end to end', () => {
  it('bridges the answered call and hangs it up through the REST API when our side ends it', async () => {
    const { callId, callSid, media } = await placeAndAnswer(agentId);
    media.twilio.say(toneAudio(600, pcmu));
    await eventually(() => media.twilio.receivedAudio().length >= 3200, 15_000);
    expect((await fakeAi.waitForSession()).config.audio.input.format).toEqual(pcmu);

    const ended = await post(`/v1/calls/${callId}/end`, { reason: 'agent_done' });
    expect(ended.status).toBe(200);
    expect(await media.closed).toBe(1000);
    await eventually(() => hangUpsOf(callSid).length === 1, 5000);
    expect(hangUpsOf(callSid)[0]).toMatchObject({ authorized: true, params: { Status: 'completed' }, status: 200 });

    expect((await fakeRest.sendStatusCallback(callSid, 'completed', { via: baseUrl, extra: { CallDuration: '5' } })).status).toBe(200);
    const [telephony] = await app.database.db.select().from(telephonyCalls).where(eq(telephonyCalls.callId, callId));
    expect(telephony).toMatchObject({ providerStatus: 'completed', durationS: 5, fromNumber: '+33100000070', toNumber: callee });
    expect(await getJson(`/v1/calls/${callId}`)).toMatchObject({ status: 'ended', direction: 'outbound', endReason: 'agent_done' });
    media.twilio.assertNoProtocolErrors();
  }, 40_000);

  it('hangs up through the REST API when the agent’s maximum duration is reached', async () => {
    // One second, straight through the store (the API's minimum is 10 s).
    const brief = await createAgent(app.database.db, { tenantId: admin.tenant.id, ownerUserId: null, isDefault: false, fields: { ...testAgentFields, maxDurationS: 1, warningBeforeEndS: 0 } });
    const { callId, callSid, media } = await placeAndAnswer(brief.id);
    await eventually(async () => (await getJson<{ status: string }>(`/v1/calls/${callId}`)).status === 'ended', 10_000);
    expect(await getJson(`/v1/calls/${callId}`)).toMatchObject({ endReason: 'max_duration' });
    await eventually(() => hangUpsOf(callSid).length === 1, 5000);
    expect(await media.closed).toBe(1000);
  }, 40_000);

  it('does not hang up through the REST API when the callee hung up', async () => {
    const { callId, callSid, media } = await placeAndAnswer(agentId);
    media.twilio.hangUp();
    await media.closed;
    await eventually(async () => (await getJson<{ status: string }>(`/v1/calls/${callId}`)).status === 'ended', 10_000);
    expect(await getJson(`/v1/calls/${callId}`)).toMatchObject({ endReason: 'twilio_stop' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hangUpsOf(callSid)).toEqual([]);
  }, 40_000);

  it('hangs up through the REST API when the stream drops without Twilio saying the call ended', async () => {
    const { callId, callSid, media } = await placeAndAnswer(agentId);
    media.twilio.drop();
    await eventually(async () => (await getJson<{ status: string }>(`/v1/calls/${callId}`)).status === 'ended', 10_000);
    expect(await getJson(`/v1/calls/${callId}`)).toMatchObject({ endReason: 'twilio_disconnected' });
    await eventually(() => hangUpsOf(callSid).length === 1, 5000);
  }, 40_000);
});
