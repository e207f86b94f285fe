/**
 * HandleHome's acceptance, end to end over real sockets and with no request from the client after the
 * call: a Twilio call reaches a `handlehome` agent (fake OpenAI Realtime upstream), the agent books a
 * table with its `create_appointment` tool during the call, the caller hangs up; the durable jobs then
 * analyse the call (fake Chat Completions scripted with a summary and a valid extraction) and the
 * records step writes the customer, the call record and the order; a registered receiver gets
 * `call.ended` and `call.analyzed`, signed so that they verify. A withheld caller ID with no number
 * said gives a record without customer: a phone number is never invented.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallNow } from '../services/handlehome/wall-clock.ts';
import { twilioSignatureOf } from '../services/telephony/twilio-signature.ts';
import { eventTypeHeader, signatureHeader } from '../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../services/webhooks/verify.ts';
import { handlehomeExtraction } from '../testing/handlehome-fixtures.ts';
import { json, scriptByFormat, startFakeOpenAiChat, text, type FakeOpenAiChat } from '../testing/fake-openai-chat/index.ts';
import { startFakeOpenAiGateway, type FakeOpenAiGateway } from '../testing/fake-openai-gateway.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { connectFakeTwilioMedia } from '../testing/fake-twilio-media/index.ts';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../testing/test-application.ts';
import { connectStreamOf } from '../testing/twiml-parser.ts';
import { newCallSid, TEST_TWILIO_AUTH_TOKEN, twilioTestEnv, voiceParams } from '../testing/twilio-webhooks.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { eventually } from './socket-io-kit.ts';

const pcmu = { type: 'audio/pcmu' } as const;
const number = '+33100000070';
const turns = ['Bonjour, je voudrais réserver une table pour quatre personnes lundi à midi, au nom de Léa Martin.', 'Parfait, merci beaucoup, au revoir.'];

/** The next Monday on the Paris wall clock (default business hours: Monday to Friday 09:00-18:00). */
function nextMonday(): string {
  const today = wallNow('Europe/Paris', new Date()).date;
  const day = new Date(`${today}T12:00:00Z`);
  const ahead = ((8 - day.getUTCDay()) % 7) || 7;
  return new Date(day.getTime() + ahead * 86_400_000).toISOString().slice(0, 10);
}
const monday = nextMonday();

let realtime: FakeRealtimeServer;
let chat: FakeOpenAiChat;
let gateway: FakeOpenAiGateway;
let receiver: WebhookReceiver;
let app: TestApplication;
let admin: TestUser;
let apiKey: { 'x-api-key': string };
let baseUrl: string;
let secret: string;

beforeAll(async () => {
  realtime = await startFakeOpenAIRealtime();
  chat = await startFakeOpenAiChat({ apiKey: FAKE_OPENAI_API_KEY });
  gateway = await startFakeOpenAiGateway({ realtimeBaseUrl: realtime.baseUrl, chatBaseUrl: chat.baseUrl });
  receiver = await startWebhookReceiver();
  app = await startTestApplication({ env: { ...twilioTestEnv, OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: gateway.baseUrl, JOB_POLL_INTERVAL_MS: '100' } });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  admin = await createTestUser(app, { role: 'admin' });
  apiKey = (await createTestApiKey(app, { tenantId: admin.tenant.id, scopes: ['read', 'write'] })).headers;
  const agent = await post('/v1/agents', { template: 'handlehome', shared: true });
  expect(agent.status).toBe(201);
  const phone = await post('/v1/phone-numbers', { number, agentId: agent.body.id });
  expect(phone, JSON.stringify(phone.body)).toMatchObject({ status: 201 });
  const endpoint = await post('/v1/webhooks', { url: receiver.url, events: ['call.ended', 'call.analyzed'] });
  expect(endpoint, JSON.stringify(endpoint.body)).toMatchObject({ status: 201 });
  secret = String(endpoint.body.secret);
});
afterAll(async () => {
  await app.close();
  await gateway.close();
  await chat.close();
  await realtime.close();
  await receiver.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get<T>(path: string, headers: Record<string, string> = admin.headers): Promise<T> {
  return (await (await fetch(`${baseUrl}${path}`, { headers })).json()) as T;
}

/** A whole phone call from `from`: the caller says two things, hears the agent, hangs up. Returns our call id. */
async function phoneCall(from: string, transcriptItems: number): Promise<string> {
  const callSid = newCallSid();
  const params = voiceParams({ to: number, from, callSid });
  const answer = await fetch(`${baseUrl}/twilio/voice`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, `${twilioTestEnv.PUBLIC_URL ?? ''}/twilio/voice`, params) },
    body: new URLSearchParams(params).toString(),
  });
  expect(answer.status).toBe(200);
  const { url, parameters } = connectStreamOf(await answer.text());
  const localUrl = `${baseUrl.replace('http:', 'ws:')}${new URL(url).pathname}`;
  const { twilio, closed } = await connectFakeTwilioMedia({ url: localUrl, headers: { 'X-Twilio-Signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, url) }, customParameters: parameters, callSid });
  const callId = parameters.callId ?? '';
  twilio.say(toneAudio(700, pcmu));
  await eventually(() => twilio.receivedAudio().length >= 4800 && twilio.playback.queuedMs === 0, 15_000);
  twilio.say(toneAudio(700, pcmu));
  await eventually(() => twilio.receivedAudio().length >= 9600 && twilio.playback.queuedMs === 0, 15_000);
  await eventually(async () => (await get<{ items: unknown[] }>(`/v1/calls/${callId}/transcript`)).items.length >= transcriptItems, 10_000);
  twilio.hangUp();
  await closed;
  return callId;
}

interface Analysis {
  readonly status: string;
  readonly analysis: { summary: string | null; extraction: Record<string, unknown> | null } | null;
}

describe('a HandleHome call, end to end', () => {
  it('books during the call, then with no client request: summary, valid extraction, customer, call record, order, and signed webhooks', async () => {
    const extraction = handlehomeExtraction({
      type_demande: 'Réservation de table',
      services: null,
      description: 'Table pour quatre lundi à midi.',
      order: { date: monday, heure: '12:00', duree: 90, type: 'Réservation de table', modalite: 'Sur place', nombrePersonnes: 4, description: 'Table pour quatre', commandes: [] },
    });
    chat.respondWith(scriptByFormat({ text: [text('Léa Martin a réservé une table pour quatre lundi à midi.')], handlehome_call: [json(extraction)] }));
    realtime.script({
      userSays: turns,
      replies: [
        { type: 'function_call', name: 'create_appointment', arguments: { name: 'Léa Martin', date: monday, time: '12:00', type: 'Réservation de table', partySize: 4 } },
        (context) => ({ type: 'message', text: context.lastItem?.type === 'function_call_output' ? 'C’est réservé pour lundi à midi.' : 'Pardon?', audioMs: 600 }),
        { type: 'message', text: 'Au revoir et à lundi!', audioMs: 600 },
      ],
    });

    // Caller, tool, agent, caller, agent.
    const callId = await phoneCall('+33644444444', 5);

    // Nothing more is asked of the server: the jobs run on their own.
    await eventually(async () => (await get<Analysis>(`/v1/calls/${callId}/analysis`)).status === 'succeeded', 20_000);
    const analysis = await get<Analysis>(`/v1/calls/${callId}/analysis`);
    expect(analysis.analysis).toMatchObject({ summary: 'Léa Martin a réservé une table pour quatre lundi à midi.', extraction });

    const records = await get<{ total: number; data: Record<string, unknown>[] }>('/api/calls?telephone=06%2044%2044%2044%2044', apiKey);
    expect(records.total).toBe(1);
    const record = records.data[0] ?? {};
    expect(record).toMatchObject({
      callId,
      type_demande: 'Réservation de table',
      statut: 'nouveau',
      telephone: '+33644444444',
      client: { prenom: 'Léa', nom: 'Martin', telephone: '+33644444444' },
    });
    const order = await get<{ data: Record<string, unknown> }>(`/api/orders/${String(record.related_order)}`, apiKey);
    // Booked by the tool during the call (its slot kept), completed by the extraction.
    expect(order.data).toMatchObject({ date: monday, heure: '12:00', duree: 60, nombrePersonnes: 4, statut: 'confirme', createdBy: 'assistant', callId, related_call: record.id, client: { telephone: '+33644444444' } });

    // The tool's result went back to the model, which spoke the confirmation.
    const { items } = await get<{ items: { role: string; text: string }[] }>(`/v1/calls/${callId}/transcript`);
    const tool = items.find((item) => item.role === 'tool');
    expect(JSON.parse(tool?.text ?? '{}')).toMatchObject({ name: 'create_appointment' });
    expect(JSON.parse((JSON.parse(tool?.text ?? '{}') as { output: string }).output)).toMatchObject({ booked: true, date: monday, time: '12:00', phoneOnFile: true });
    expect(items.map((item) => item.text)).toContain('C’est réservé pour lundi à midi.');

    const received = await receiver.waitFor(2);
    expect(received.map((r) => r.headers[eventTypeHeader]).sort()).toEqual(['call.analyzed', 'call.ended']);
    for (const delivery of received) {
      expect(verifyWebhookSignature(delivery.rawBody, delivery.headers[signatureHeader], secret)).toMatchObject({ ok: true });
      expect(verifyWebhookSignature(delivery.rawBody, delivery.headers[signatureHeader], 'whsec_not_the_secret')).toMatchObject({ ok: false });
    }
    const analyzed = JSON.parse(received.find((r) => r.headers[eventTypeHeader] === 'call.analyzed')?.rawBody ?? '{}') as Record<string, unknown>;
    expect(analyzed).toMatchObject({ type: 'call.analyzed', callId, data: { analysis: { status: 'succeeded', extraction } } });
  }, 90_000);

  it('a withheld caller ID and no number said: the record keeps the name, no customer, no invented number', async () => {
    const before = await get<{ total: number }>('/api/clients', apiKey);
    const extraction = handlehomeExtraction({ prenom: 'Paul', nom: 'Anonyme-Test', telephone: null, type_demande: 'Information menu', order: null, description: 'Demande les horaires du dimanche.' });
    chat.respondWith(scriptByFormat({ text: [text('Paul a demandé les horaires.')], handlehome_call: [json(extraction)] }));
    realtime.script({
      userSays: ['Bonjour, je voulais savoir si vous êtes ouverts dimanche midi, je ne donne pas mon numéro.', 'D’accord, merci, au revoir.'],
      replies: [
        { type: 'message', text: 'Nous sommes fermés le dimanche.', audioMs: 600 },
        { type: 'message', text: 'Au revoir!', audioMs: 600 },
      ],
    });
    const callId = await phoneCall('+266696687', 4);
    await eventually(async () => (await get<Analysis>(`/v1/calls/${callId}/analysis`)).status === 'succeeded', 20_000);
    const records = await get<{ total: number; data: Record<string, unknown>[] }>('/api/calls?nom=anonyme-test', apiKey);
    expect(records.data).toMatchObject([{ callId, client: null, telephone: null, prenom: 'Paul', nom: 'Anonyme-Test', related_order: null }]);
    expect((await get<{ total: number }>('/api/clients', apiKey)).total).toBe(before.total);
  }, 90_000);
});
