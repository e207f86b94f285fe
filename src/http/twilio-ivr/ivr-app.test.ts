/**
 * The IVR in the whole application: a company configured through the Lydia API, a number in `ivr`
 * mode through /v1/phone-numbers, Twilio's signed voice webhook handing the call to the IVR, turns
 * answered by a keyword and by the model (the fake upstream behind OPENAI_BASE_URL), and the status
 * callback ending the call. The call and its transcript read back through the calls API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiChat, text, type FakeOpenAiChat } from '../../testing/fake-openai-chat/index.ts';
import { spokenIn, turnUrlOf, verbsOf } from '../../testing/ivr-world.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';
import { newCallSid, TEST_PUBLIC_URL, twilioPost, twilioTestEnv, voiceParams } from '../../testing/twilio-webhooks.ts';

let app: TestApplication;
let chat: FakeOpenAiChat;
let admin: TestUser;
const number = '+33100000020';
const allDay = { open: '00:00', close: '24:00', closed: false };

beforeAll(async () => {
  chat = await startFakeOpenAiChat();
  app = await startTestApplication({ env: { ...twilioTestEnv, OPENAI_API_KEY: chat.apiKey, OPENAI_BASE_URL: chat.baseUrl } });
  admin = await createTestUser(app, { role: 'admin' });
  const company = `/api/companies/${admin.tenant.id}`;
  const setup = [
    await app.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: admin.headers, payload: { number, mode: 'ivr' } }),
    await app.http.inject({
      method: 'PUT',
      url: `${company}/business-hours`,
      headers: admin.headers,
      payload: { timeZone: 'Europe/Paris', monday: allDay, tuesday: allDay, wednesday: allDay, thursday: allDay, friday: allDay, saturday: allDay, sunday: allDay },
    }),
    await app.http.inject({ method: 'POST', url: `${company}/custom-responses`, headers: admin.headers, payload: { keyword: 'horaires', response: 'Nous sommes ouverts tous les jours.' } }),
  ];
  expect(setup.map((r) => r.statusCode)).toEqual([201, 200, 201]);
});
afterAll(async () => {
  await app.close();
  await chat.close();
});

/** A signed POST to an absolute URL the IVR gave Twilio. */
function twilioPostTo(url: string, params: Record<string, string>) {
  expect(url.startsWith(TEST_PUBLIC_URL)).toBe(true);
  return app.http.inject(twilioPost(url.slice(TEST_PUBLIC_URL.length), params));
}

describe('an IVR call through the whole application', () => {
  it('voice webhook → greeting in a Gather → keyword turn → model turn → caller hangs up (status callback) → call ended with its transcript', async () => {
    const callSid = newCallSid();
    const answered = await app.http.inject(twilioPost('/twilio/voice', voiceParams({ to: number, callSid })));
    expect(answered.statusCode).toBe(200);
    expect(verbsOf(answered.body)).toEqual(['Gather', 'Redirect']);
    const greeting = spokenIn(answered.body)[0] ?? '';
    expect(greeting).toContain('Test tenant');

    const keyword = await twilioPostTo(turnUrlOf(answered.body), { CallSid: callSid, SpeechResult: 'Vos horaires ?', Confidence: '0.9' });
    expect(spokenIn(keyword.body)).toEqual(['Nous sommes ouverts tous les jours.', 'Puis-je vous aider avec autre chose ?']);

    chat.enqueue(text('Oui, nous livrons dans tout Paris.'));
    const model = await twilioPostTo(turnUrlOf(keyword.body), { CallSid: callSid, SpeechResult: 'Vous livrez ?', Confidence: '0.8' });
    expect(spokenIn(model.body)).toEqual(['Oui, nous livrons dans tout Paris.', 'Puis-je vous aider avec autre chose ?']);
    expect(chat.requests[0]?.headers.authorization).toBe(`Bearer ${chat.apiKey}`);
    expect(chat.requests[0]?.body.model).toBe(app.config.openai.chatModel);

    const callId = /\/twilio\/ivr\/([0-9a-f-]{36})\//.exec(turnUrlOf(model.body))?.[1] ?? '';
    const hungUp = await app.http.inject(twilioPost('/twilio/status', { ...voiceParams({ to: number, callSid }), CallStatus: 'completed', CallDuration: '37' }));
    expect(hungUp.statusCode).toBe(200);

    const call = await app.http.inject({ method: 'GET', url: `/v1/calls/${callId}`, headers: admin.headers });
    expect(call.json()).toMatchObject({ id: callId, status: 'ended', endReason: 'twilio_completed' });
    const transcript = await app.http.inject({ method: 'GET', url: `/v1/calls/${callId}/transcript`, headers: admin.headers });
    const items = transcript.json<{ items: { role: string; text: string }[] }>().items;
    expect(items.map((i) => [i.role, i.text])).toEqual([
      ['assistant', greeting],
      ['user', 'Vos horaires ?'],
      ['assistant', 'Nous sommes ouverts tous les jours.'],
      ['user', 'Vous livrez ?'],
      ['assistant', 'Oui, nous livrons dans tout Paris.'],
    ]);

    // The call is over: a late turn hangs up and stores nothing.
    const late = await twilioPostTo(turnUrlOf(model.body), { CallSid: callSid, SpeechResult: 'Allô ?' });
    expect(verbsOf(late.body)).toEqual(['Hangup']);
  });

  it('an unsigned turn is refused (403) by the same signature check as /twilio/voice', async () => {
    const res = await app.http.inject(twilioPost(`/twilio/ivr/00000000-0000-4000-8000-000000000000/turn?tenantId=${admin.tenant.id}&silent=0`, { CallSid: newCallSid() }, { signature: null }));
    expect(res.statusCode).toBe(403);
  });
});
