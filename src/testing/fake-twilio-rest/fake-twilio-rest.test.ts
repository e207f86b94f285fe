/** The fake Twilio REST API itself: it must refuse what Twilio refuses, so tests against it mean something. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignatureOf } from '../../services/telephony/twilio-signature.ts';
import { startFakeTwilioRest, type FakeTwilioRest } from './index.ts';

const accountSid = `AC${'ab'.repeat(16)}`;
const authToken = 'fake-rest-auth-token';
let fake: FakeTwilioRest;
const calls = () => `${fake.baseUrl}/2010-04-01/Accounts/${accountSid}/Calls.json`;
const basic = (sid: string, token: string) => `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;

async function post(url: string, params: Record<string, string | string[]>, authorization = basic(accountSid, authToken)) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const one of [value].flat()) form.append(name, one);
  const res = await fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const valid = { To: '+15551230001', From: '+15551230002', Twiml: '<Response><Hangup/></Response>', StatusCallback: 'https://voice.example.com/twilio/status?callId=1' };

beforeAll(async () => {
  fake = await startFakeTwilioRest({ accountSid, authToken });
});
afterAll(async () => {
  await fake.close();
});

describe('fake Twilio REST: Calls', () => {
  it('creates a call with Twilio’s JSON shape', async () => {
    const { status, body } = await post(calls(), { ...valid, StatusCallbackEvent: ['initiated', 'completed'] });
    expect(status).toBe(201);
    expect(body).toMatchObject({ account_sid: accountSid, to: valid.To, from: valid.From, status: 'queued', direction: 'outbound-api', api_version: '2010-04-01' });
    expect(String(body.sid)).toMatch(/^CA[0-9a-f]{32}$/);
    expect(fake.calls.get(String(body.sid))?.statusCallbackEvents).toEqual(['initiated', 'completed']);
  });

  it('refuses bad credentials (20003) and another account (20404)', async () => {
    expect(await post(calls(), valid, basic(accountSid, 'wrong'))).toMatchObject({ status: 401, body: { code: 20003 } });
    expect(fake.requests.at(-1)?.authorized).toBe(false);
    expect(await post(calls().replace(accountSid, `AC${'cd'.repeat(16)}`), valid)).toMatchObject({ status: 404, body: { code: 20404 } });
  });

  it('validates parameters with Twilio’s error codes', async () => {
    expect((await post(calls(), { ...valid, To: '0555' })).body).toMatchObject({ code: 21211, status: 400 });
    expect((await post(calls(), { ...valid, From: 'me' })).body).toMatchObject({ code: 21212 });
    expect((await post(calls(), { ...valid, Url: 'https://x.example/twiml' })).body).toMatchObject({ code: 21205 });
    expect((await post(calls(), { To: valid.To, From: valid.From })).body).toMatchObject({ code: 21205 });
    expect((await post(calls(), { ...valid, StatusCallbackEvent: 'answerd' })).body).toMatchObject({ code: 21626 });
    expect((await post(calls(), { ...valid, Timeout: 'soon' })).body).toMatchObject({ code: 21227 });
    await post(calls(), { ...valid, Colour: 'blue' });
    expect(fake.requests.at(-1)?.unknownParams).toEqual(['Colour']);
  });

  it('hangs up a call (Status=completed) and 404s an unknown one', async () => {
    const created = await post(calls(), valid);
    const sid = String(created.body.sid);
    const one = calls().replace('Calls.json', `Calls/${sid}.json`);
    expect(await post(one, { Status: 'completed' })).toMatchObject({ status: 200, body: { sid, status: 'canceled' } });
    expect(await post(one, { Status: 'paused' })).toMatchObject({ status: 400 });
    expect(await post(calls().replace('Calls.json', `Calls/CA${'0'.repeat(32)}.json`), { Status: 'completed' })).toMatchObject({ status: 404, body: { code: 20404 } });
  });

  it('signs status callbacks over the StatusCallback URL, sequence numbers increasing', async () => {
    const sid = String((await post(calls(), valid)).body.sid);
    const first = fake.statusCallback(sid, 'initiated');
    const second = fake.statusCallback(sid, 'ringing', { Extra: '1' });
    expect(first.url).toBe(valid.StatusCallback);
    expect([first.params.SequenceNumber, second.params.SequenceNumber]).toEqual(['0', '1']);
    expect(second.headers['x-twilio-signature']).toBe(twilioSignatureOf(authToken, valid.StatusCallback, second.params));
    expect(second.params).toMatchObject({ CallSid: sid, CallStatus: 'ringing', AccountSid: accountSid, Extra: '1' });
  });
});
