/**
 * `POST /api/calls/outbound` against the fake Twilio REST API: what reaches Twilio (auth, form
 * parameters, the same `<Connect><Stream>` TwiML, the status callback carrying the call id), Twilio's
 * refusals as 502 with its error code and a failed call, the call caps, and status callbacks that
 * arrive before the `CallSid` is known.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashStreamToken } from '../../services/telephony/stream-tokens.ts';
import { calls } from '../../store/schema/calls.ts';
import { streamTokens } from '../../store/schema/stream-tokens.ts';
import { telephonyCalls } from '../../store/schema/telephony-calls.ts';
import { startFakeTwilioRest, type FakeTwilioRest } from '../../testing/fake-twilio-rest/index.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';
import { connectStreamOf } from '../../testing/twiml-parser.ts';
import { TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN, twilioTestEnv } from '../../testing/twilio-webhooks.ts';

let fake: FakeTwilioRest;
let app: TestApplication;
let admin: TestUser;
let agentId: string;
const callee = '+33611111111';

beforeAll(async () => {
  fake = await startFakeTwilioRest({ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN });
  app = await startTestApplication({ env: { ...twilioTestEnv, TWILIO_API_BASE_URL: fake.baseUrl, MAX_CONCURRENT_CALLS_PER_TENANT: '4' } });
  admin = await createTestUser(app, { role: 'admin' });
  agentId = (await app.http.inject({ method: 'POST', url: '/v1/agents', headers: admin.headers, payload: { name: 'Caller', shared: true } })).json<{ id: string }>().id;
  for (const number of ['+33100000040', '+33100000041']) {
    const payload = number === '+33100000041' ? { number, agentId } : { number };
    expect((await app.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: admin.headers, payload })).statusCode).toBe(201);
  }
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

function place(user: TestUser, payload: object) {
  return app.http.inject({ method: 'POST', url: '/api/calls/outbound', headers: user.headers, payload });
}

async function endCall(callId: string): Promise<void> {
  await app.http.inject({ method: 'POST', url: `/v1/calls/${callId}/end`, headers: admin.headers, payload: {} });
}

describe('outbound calls', () => {
  it('places the call through Twilio with the stream TwiML and a status callback naming the call', async () => {
    const res = await place(admin, { to: callee, agentId, metadata: { campaign: 'spring' } });
    expect(res.statusCode).toBe(201);
    const placed = res.json<{ callId: string; callSid: string; status: string }>();
    expect(placed).toMatchObject({ status: 'queued' });
    expect(placed.callSid).toMatch(/^CA[0-9a-f]{32}$/);

    const request = fake.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/Calls.json`, authorized: true, status: 201, unknownParams: [] });
    expect(request?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request?.params).toMatchObject({
      To: callee,
      From: '+33100000041',
      StatusCallback: `https://voice.switchboard.test/twilio/status?callId=${placed.callId}`,
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      Timeout: '30',
    });
    const stream = connectStreamOf(String(request?.params.Twiml));
    expect(stream.url).toBe('wss://voice.switchboard.test/twilio/media');
    expect(stream.parameters.callId).toBe(placed.callId);

    const db = app.database.db;
    const [call] = await db.select().from(calls).where(eq(calls.id, placed.callId));
    expect(call).toMatchObject({ channel: 'twilio', direction: 'outbound', status: 'created', userId: admin.user.id, metadata: { campaign: 'spring' } });
    const [telephony] = await db.select().from(telephonyCalls).where(eq(telephonyCalls.callId, placed.callId));
    expect(telephony).toMatchObject({ callSid: placed.callSid, fromNumber: '+33100000041', toNumber: callee, providerStatus: 'queued' });
    const [token] = await db.select().from(streamTokens).where(eq(streamTokens.callId, placed.callId));
    expect(token?.tokenHash).toBe(hashStreamToken(stream.parameters.streamToken ?? ''));
    await endCall(placed.callId);
  });

  it('applies status callbacks that name the call id, even before the CallSid is stored', async () => {
    const placed = (await place(admin, { to: callee, agentId })).json<{ callId: string; callSid: string }>();
    // As if Twilio's first callback overtook its answer to our REST request.
    await app.database.db.update(telephonyCalls).set({ callSid: null }).where(eq(telephonyCalls.callId, placed.callId));
    for (const status of ['initiated', 'ringing', 'no-answer']) {
      const signed = fake.statusCallback(placed.callSid, status);
      const url = new URL(signed.url);
      const res = await app.http.inject({ method: 'POST', url: `${url.pathname}${url.search}`, headers: signed.headers, payload: new URLSearchParams(signed.params).toString() });
      expect(res.statusCode).toBe(200);
    }
    const [call] = await app.database.db.select().from(calls).where(eq(calls.id, placed.callId));
    expect(call).toMatchObject({ status: 'failed', endReason: 'twilio_no_answer' });
    const [telephony] = await app.database.db.select().from(telephonyCalls).where(eq(telephonyCalls.callId, placed.callId));
    expect(telephony).toMatchObject({ callSid: placed.callSid, providerStatus: 'no-answer' });
  });

  it('calls from the number given, which must be one of the tenant’s', async () => {
    const placed = (await place(admin, { to: callee, agentId, from: '+33100000040' })).json<{ callId: string }>();
    expect(fake.requests.at(-1)?.params.From).toBe('+33100000040');
    await endCall(placed.callId);
    const notOurs = await place(admin, { to: callee, agentId, from: '+33199999998' });
    expect(notOurs.statusCode).toBe(404);
    expect(notOurs.json()).toMatchObject({ code: 'phone_number_not_found' });
  });

  it('reports Twilio’s refusal as 502 provider_error with its error code, and fails the call', async () => {
    fake.failNextCreate(400, 21215, 'Geo Permission configuration is not permitting call');
    const requestsBefore = fake.requests.length;
    const res = await place(admin, { to: '+8613800000000', agentId });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'provider_error', message: 'Twilio refused the call (error 21215): Geo Permission configuration is not permitting call' });
    expect(fake.requests.length).toBe(requestsBefore + 1);
    const [failed] = await app.database.db.select().from(calls).where(eq(calls.endReason, 'twilio_error_21215'));
    expect(failed).toMatchObject({ status: 'failed' });
    const [telephony] = await app.database.db.select().from(telephonyCalls).where(eq(telephonyCalls.callId, failed?.id ?? ''));
    expect(telephony).toMatchObject({ providerStatus: 'failed', providerErrorCode: 21215, callSid: null });
  });

  it('refuses a bad number before Twilio hears of it, and an agent that is not the caller’s to use', async () => {
    const before = fake.requests.length;
    const bad = await place(admin, { to: '0611111111', agentId });
    expect(bad.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.to' }] });
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    const own = (await app.http.inject({ method: 'POST', url: '/v1/agents', headers: member.headers, payload: { name: 'Mine' } })).json<{ id: string }>();
    expect((await place(admin, { to: callee, agentId: own.id })).json()).toMatchObject({ code: 'agent_not_found' });
    const stranger = await createTestUser(app, { role: 'admin' });
    expect((await place(stranger, { to: callee, agentId })).json()).toMatchObject({ code: 'agent_not_found' });
    expect(fake.requests.length).toBe(before);
  });

  it('counts against the concurrent-call cap: at the cap, 429 and nothing reaches Twilio', async () => {
    const capped = await createTestUser(app, { role: 'admin' });
    const shared = (await app.http.inject({ method: 'POST', url: '/v1/agents', headers: capped.headers, payload: { name: 'A', shared: true } })).json<{ id: string }>().id;
    await app.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: capped.headers, payload: { number: '+33100000042' } });
    for (let i = 0; i < 4; i += 1) expect((await place(capped, { to: callee, agentId: shared })).statusCode).toBe(201);
    const before = fake.requests.length;
    const refused = await place(capped, { to: callee, agentId: shared });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'concurrent_calls_exceeded' });
    expect(fake.requests.length).toBe(before);
  });
});

describe('outbound calls whose agent cannot run', () => {
  it('answers 503 engine_not_configured, naming the key, before Twilio is asked (no phone rings into silence)', async () => {
    const { OPENAI_API_KEY: _key, OPENAI_BASE_URL: _url, ...withoutKey } = twilioTestEnv;
    const unkeyed = await startTestApplication({ env: { ...withoutKey, TWILIO_API_BASE_URL: fake.baseUrl } });
    try {
      const user = await createTestUser(unkeyed, { role: 'admin' });
      const agent = (await unkeyed.http.inject({ method: 'POST', url: '/v1/agents', headers: user.headers, payload: { name: 'A', shared: true } })).json<{ id: string }>();
      await unkeyed.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: user.headers, payload: { number: '+33100000060' } });
      const before = fake.requests.length;
      const res = await unkeyed.http.inject({ method: 'POST', url: '/api/calls/outbound', headers: user.headers, payload: { to: callee, agentId: agent.id } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'engine_not_configured' });
      expect(res.json<{ message: string }>().message).toContain('OPENAI_API_KEY');
      expect(fake.requests.length).toBe(before);
      expect((await unkeyed.database.db.select().from(calls)).length).toBe(0);
    } finally {
      await unkeyed.close();
    }
  });
});

describe('outbound calls without Twilio', () => {
  it('answers 503 not_configured without an account SID, and 502 provider_unavailable when Twilio cannot be reached', async () => {
    const unconfigured = await startTestApplication({ env: { TWILIO_AUTH_TOKEN: TEST_TWILIO_AUTH_TOKEN } });
    const unreachable = await startTestApplication({ env: { ...twilioTestEnv, TWILIO_API_BASE_URL: 'http://127.0.0.1:9' } });
    try {
      for (const [target, status, code] of [[unconfigured, 503, 'not_configured'], [unreachable, 502, 'provider_unavailable']] as const) {
        const user = await createTestUser(target, { role: 'admin' });
        const agent = (await target.http.inject({ method: 'POST', url: '/v1/agents', headers: user.headers, payload: { name: 'A', shared: true } })).json<{ id: string }>();
        await target.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: user.headers, payload: { number: '+33100000050' } });
        const res = await target.http.inject({ method: 'POST', url: '/api/calls/outbound', headers: user.headers, payload: { to: callee, agentId: agent.id } });
        expect(res.statusCode).toBe(status);
        expect(res.json()).toMatchObject({ code });
      }
    } finally {
      await unconfigured.close();
      await unreachable.close();
    }
  });
});
