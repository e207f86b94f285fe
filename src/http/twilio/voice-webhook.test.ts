/**
 * `POST /twilio/voice` (and HandleHome's `/incoming-call`): the called number picks the tenant and
 * agent, the call is stored with a hashed one-time stream token, and the TwiML connects a stream
 * whose URL carries nothing but the path. Unknown numbers and unsigned requests create nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashStreamToken } from '../../services/telephony/stream-tokens.ts';
import { calls } from '../../store/schema/calls.ts';
import { streamTokens } from '../../store/schema/stream-tokens.ts';
import { telephonyCalls } from '../../store/schema/telephony-calls.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';
import { connectStreamOf, parseTwiml } from '../../testing/twiml-parser.ts';
import { newCallSid, twilioPost, twilioTestEnv, voiceParams } from '../../testing/twilio-webhooks.ts';

let app: TestApplication;
let admin: TestUser;
const realtimeNumber = '+33100000001';
const ivrNumber = '+33100000002';

async function addNumber(user: TestUser, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await app.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: user.headers, payload: body });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function rowCounts() {
  const db = app.database.db;
  return { calls: (await db.select().from(calls)).length, telephony: (await db.select().from(telephonyCalls)).length, tokens: (await db.select().from(streamTokens)).length };
}

beforeAll(async () => {
  app = await startTestApplication({ env: { ...twilioTestEnv, MAX_CONCURRENT_CALLS_PER_TENANT: '6' } });
  admin = await createTestUser(app, { role: 'admin' });
  await addNumber(admin, { number: realtimeNumber });
  await addNumber(admin, { number: ivrNumber, mode: 'ivr' });
});
afterAll(async () => {
  await app.close();
});

describe('incoming call webhook', () => {
  it('says the line is unavailable and hangs up, creating nothing, when the agent’s engine has no key', async () => {
    const { OPENAI_API_KEY: _key, OPENAI_BASE_URL: _url, ...withoutKey } = twilioTestEnv;
    const unkeyed = await startTestApplication({ env: withoutKey });
    try {
      const owner = await createTestUser(unkeyed, { role: 'admin' });
      expect((await unkeyed.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: owner.headers, payload: { number: realtimeNumber } })).statusCode).toBe(201);
      const res = await unkeyed.http.inject(twilioPost('/twilio/voice', voiceParams({ to: realtimeNumber, callSid: newCallSid() })));
      expect(res.statusCode).toBe(200);
      const verbs = parseTwiml(res.body).children.map((verb) => verb.name);
      expect(verbs).toEqual(['Say', 'Hangup']);
      expect(res.body).not.toContain('<Connect');
      expect((await unkeyed.database.db.select().from(calls)).length).toBe(0);
      expect((await unkeyed.database.db.select().from(streamTokens)).length).toBe(0);
    } finally {
      await unkeyed.close();
    }
  });

  it('answers a realtime number with <Connect><Stream> to the wss media URL, call id and token as <Parameter>s', async () => {
    const callSid = newCallSid();
    const res = await app.http.inject(twilioPost('/twilio/voice', voiceParams({ to: realtimeNumber, from: '+33698765432', callSid })));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    const { url, parameters } = connectStreamOf(res.body);
    expect(url).toBe('wss://voice.switchboard.test/twilio/media');
    expect(Object.keys(parameters).sort()).toEqual(['callId', 'streamToken']);
    const { callId = '', streamToken = '' } = parameters;
    expect(streamToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const db = app.database.db;
    const [call] = await db.select().from(calls).where(eq(calls.id, callId));
    expect(call).toMatchObject({ tenantId: admin.tenant.id, channel: 'twilio', direction: 'inbound', status: 'created', userId: null });
    const [telephony] = await db.select().from(telephonyCalls).where(eq(telephonyCalls.callId, callId));
    expect(telephony).toMatchObject({ callSid, fromNumber: '+33698765432', toNumber: realtimeNumber, providerStatus: 'ringing' });
    const tokens = await db.select().from(streamTokens).where(eq(streamTokens.callId, callId));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.tokenHash).toBe(hashStreamToken(streamToken));
    expect(JSON.stringify(tokens)).not.toContain(streamToken);
    const ttlMs = (tokens[0]?.expiresAt.getTime() ?? 0) - (tokens[0]?.createdAt.getTime() ?? 0);
    expect(ttlMs).toBe(60_000);
  });

  it('answers HandleHome’s /incoming-call the same way', async () => {
    const res = await app.http.inject(twilioPost('/incoming-call', voiceParams({ to: realtimeNumber })));
    expect(res.statusCode).toBe(200);
    expect(connectStreamOf(res.body).url).toBe('wss://voice.switchboard.test/twilio/media');
  });

  it('says an unknown number is not in service, hangs up, and stores nothing', async () => {
    const before = await rowCounts();
    const res = await app.http.inject(twilioPost('/twilio/voice', voiceParams({ to: '+33199999999' })));
    expect(res.statusCode).toBe(200);
    const response = parseTwiml(res.body);
    expect(response.children.map((verb) => verb.name)).toEqual(['Say', 'Hangup']);
    expect(response.children[0]?.text).toBe('Sorry, this number is not in service. Goodbye.');
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses unsigned, wrongly signed and replayed requests with 403 and stores nothing', async () => {
    const before = await rowCounts();
    const params = voiceParams({ to: realtimeNumber });
    const unsigned = await app.http.inject(twilioPost('/twilio/voice', params, { signature: null }));
    const wrongToken = await app.http.inject(twilioPost('/twilio/voice', params, { authToken: 'not-the-auth-token-of-this-account' }));
    const otherUrl = await app.http.inject(twilioPost('/twilio/voice', params, { publicUrl: 'https://elsewhere.example.com' }));
    const forStatus = twilioPost('/twilio/status', params);
    const replayed = await app.http.inject({ ...forStatus, url: '/twilio/voice' });
    for (const res of [unsigned, wrongToken, otherUrl, replayed]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden', message: 'Not a verified Twilio request' });
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('accepts Twilio parameters it does not know (Twilio adds some over time) but checks the ones it reads', async () => {
    const extra = await app.http.inject(twilioPost('/twilio/voice', { ...voiceParams({ to: realtimeNumber }), StirVerstat: 'TN-Validation-Passed-A', NewTwilioField: 'x' }));
    expect(extra.statusCode).toBe(200);
    const badSid = await app.http.inject(twilioPost('/twilio/voice', { ...voiceParams({ to: realtimeNumber }), CallSid: 'not-a-sid' }));
    expect(badSid.statusCode).toBe(400);
    expect(badSid.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.CallSid' }] });
  });

  it('hands a number in ivr mode to the IVR: no media stream, no stream token, an IVR call', async () => {
    const callSid = newCallSid();
    const tokensBefore = (await rowCounts()).tokens;
    const res = await app.http.inject(twilioPost('/twilio/voice', voiceParams({ to: ivrNumber, callSid })));
    expect(res.statusCode).toBe(200);
    const response = parseTwiml(res.body);
    expect(response.children.map((verb) => verb.name)).not.toContain('Connect');
    expect((await rowCounts()).tokens).toBe(tokensBefore);
    const db = app.database.db;
    const [telephony] = await db.select().from(telephonyCalls).where(eq(telephonyCalls.callSid, callSid));
    const [call] = await db.select().from(calls).where(eq(calls.id, telephony?.callId ?? ''));
    expect(call).toMatchObject({ channel: 'twilio-ivr', tenantId: admin.tenant.id });
  });

  it('gives a repeated CallSid a fresh token for the same call while it is not connected', async () => {
    const params = voiceParams({ to: realtimeNumber });
    const first = connectStreamOf((await app.http.inject(twilioPost('/twilio/voice', params))).body).parameters;
    const again = connectStreamOf((await app.http.inject(twilioPost('/twilio/voice', params))).body).parameters;
    expect(again.callId).toBe(first.callId);
    expect(again.streamToken).not.toBe(first.streamToken);
  });

  it('tells callers the lines are busy when the tenant is at its concurrent-call cap, creating nothing', async () => {
    const busyTenant = await createTestUser(app, { role: 'admin' });
    await addNumber(busyTenant, { number: '+33100000003' });
    for (let i = 0; i < 6; i += 1) await app.http.inject(twilioPost('/twilio/voice', voiceParams({ to: '+33100000003' })));
    const before = await rowCounts();
    const res = await app.http.inject(twilioPost('/twilio/voice', voiceParams({ to: '+33100000003' })));
    const response = parseTwiml(res.body);
    expect(response.children.map((verb) => verb.name)).toEqual(['Say', 'Hangup']);
    expect(response.children[0]?.text).toContain('all our lines are busy');
    expect(await rowCounts()).toEqual(before);
  });
});

describe('without TWILIO_AUTH_TOKEN', () => {
  it('refuses Twilio routes in production with 503 not_configured and creates nothing', async () => {
    const production = await startTestApplication({ env: { NODE_ENV: 'production', PUBLIC_URL: 'https://voice.switchboard.test' } });
    try {
      const res = await production.http.inject(twilioPost('/twilio/voice', voiceParams({ to: realtimeNumber })));
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'not_configured', message: 'Twilio webhooks are disabled: TWILIO_AUTH_TOKEN is not set' });
      expect((await production.database.db.select().from(calls)).length).toBe(0);
    } finally {
      await production.close();
    }
  });
});
