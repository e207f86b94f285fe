/**
 * An incoming phone call end to end over real sockets: Twilio's signed voice webhook → TwiML →
 * the fake Twilio media client opens the stream with the returned parameters and a valid signature →
 * the server bridges it to the fake OpenAI upstream (μ-law untouched both ways) → two turns of
 * conversation → the caller hangs up → the call is ended with its transcript, and Twilio's final status
 * callback adds the billed duration. The used stream token and unsigned upgrades are refused.
 */
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignatureOf } from '../services/telephony/twilio-signature.ts';
import { telephonyCalls } from '../store/schema/telephony-calls.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { connectFakeTwilioMedia, TwilioUpgradeRefused } from '../testing/fake-twilio-media/index.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../testing/test-application.ts';
import { connectStreamOf } from '../testing/twiml-parser.ts';
import { newCallSid, TEST_PUBLIC_URL, TEST_TWILIO_AUTH_TOKEN, twilioTestEnv, voiceParams } from '../testing/twilio-webhooks.ts';
import { eventually } from './socket-io-kit.ts';

const pcmu = { type: 'audio/pcmu' } as const;
const number = '+33100000060';
const turns = ['I would like a table for two tonight.', 'At eight, please.'];
const replies = ['Of course. At what time?', 'Booked for eight. Goodbye!'];

let fake: FakeRealtimeServer;
let app: TestApplication;
let admin: TestUser;
let baseUrl: string;

beforeAll(async () => {
  fake = await startFakeOpenAIRealtime({ script: { userSays: turns, replies: replies.map((text) => ({ type: 'message' as const, text, audioMs: 600 })) } });
  app = await startTestApplication({ env: { ...twilioTestEnv, OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: fake.baseUrl } });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  admin = await createTestUser(app, { role: 'admin' });
  const added = await fetch(`${baseUrl}/v1/phone-numbers`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ number }) });
  expect(added.status).toBe(201);
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

/** Twilio posting a signed webhook to the server (signed over the public URL, delivered to the local address). */
async function twilioWebhook(path: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, `${TEST_PUBLIC_URL}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
}

async function getJson<T>(path: string): Promise<T> {
  return (await (await fetch(`${baseUrl}${path}`, { headers: admin.headers })).json()) as T;
}

interface TranscriptItem {
  readonly role: string;
  readonly text: string;
}

describe('an incoming Twilio call, end to end', () => {
  it('answers, bridges both ways, holds two turns, ends with the transcript, then stores Twilio’s duration', async () => {
    const callSid = newCallSid();
    const answer = await twilioWebhook('/twilio/voice', voiceParams({ to: number, from: '+33644444444', callSid }));
    expect(answer.status).toBe(200);
    const { url, parameters } = connectStreamOf(await answer.text());
    expect(url).toBe('wss://voice.switchboard.test/twilio/media');
    const callId = parameters.callId ?? '';

    // Twilio connects to the public wss:// URL (here: the local address behind it), signing that URL.
    const signature = twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, url);
    const localUrl = `${baseUrl.replace('http:', 'ws:')}${new URL(url).pathname}`;
    const { twilio, closed } = await connectFakeTwilioMedia({ url: localUrl, headers: { 'X-Twilio-Signature': signature }, customParameters: parameters, callSid });

    // Each reply is 600 ms of μ-law (4800 bytes); the caller speaks again only once it has been heard.
    twilio.say(toneAudio(700, pcmu));
    await eventually(() => twilio.receivedAudio().length >= 4800 && twilio.playback.queuedMs === 0, 15_000);
    twilio.say(toneAudio(700, pcmu));
    await eventually(() => twilio.receivedAudio().length >= 9600 && twilio.playback.queuedMs === 0, 15_000);
    await eventually(async () => (await getJson<{ items: TranscriptItem[] }>(`/v1/calls/${callId}/transcript`)).items.length === 4, 10_000);

    const session = await fake.waitForSession();
    expect(session.config.audio.input.format).toEqual(pcmu);
    expect(session.config.audio.output.format).toEqual(pcmu);
    twilio.hangUp();
    await closed;
    await eventually(async () => (await getJson<{ status: string }>(`/v1/calls/${callId}`)).status === 'ended', 10_000);

    const call = await getJson<{ status: string; channel: string; direction: string; endReason: string; durationMs: number }>(`/v1/calls/${callId}`);
    expect(call).toMatchObject({ status: 'ended', channel: 'twilio', direction: 'inbound', endReason: 'twilio_stop' });
    expect(call.durationMs).toBeGreaterThan(0);
    const { items } = await getJson<{ items: TranscriptItem[] }>(`/v1/calls/${callId}/transcript`);
    expect(items.map((item) => [item.role, item.text])).toEqual([
      ['user', turns[0]],
      ['assistant', replies[0]],
      ['user', turns[1]],
      ['assistant', replies[1]],
    ]);
    expect(new Set(twilio.receivedEvents())).toEqual(new Set(['media', 'mark']));
    twilio.assertNoProtocolErrors();

    const completed = await twilioWebhook('/twilio/status', { ...voiceParams({ to: number, from: '+33644444444', callSid }), CallStatus: 'completed', CallDuration: '9' });
    expect(completed.status).toBe(200);
    const [telephony] = await app.database.db.select().from(telephonyCalls).where(eq(telephonyCalls.callId, callId));
    expect(telephony).toMatchObject({ providerStatus: 'completed', durationS: 9, callSid });
    expect((await getJson<{ status: string }>(`/v1/calls/${callId}`)).status).toBe('ended');

    // The token is used up: the same stream parameters again are closed before any call starts.
    const replay = await connectFakeTwilioMedia({ url: localUrl, headers: { 'X-Twilio-Signature': signature }, customParameters: parameters, callSid });
    expect(await replay.closed).toBe(1008);
  }, 60_000);

  it('refuses an unsigned or wrongly signed media upgrade with 403 before any WebSocket exists', async () => {
    const localUrl = `${baseUrl.replace('http:', 'ws:')}/twilio/media`;
    for (const headers of [{}, { 'X-Twilio-Signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, 'wss://elsewhere.example/twilio/media') }]) {
      const refused = await connectFakeTwilioMedia({ url: localUrl, headers, customParameters: { callId: 'x', streamToken: 'y' } }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TwilioUpgradeRefused);
      expect((refused as TwilioUpgradeRefused).status).toBe(403);
    }
  });
});
