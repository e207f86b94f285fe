import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisPlanSchema } from '../../services/call-analysis/plan-schema.ts';
import { agentTemplates } from '../../services/agent-templates.ts';
import { eventTypeHeader, signatureHeader } from '../../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../../services/webhooks/verify.ts';
import { transitionCall } from '../../store/queries/calls.ts';
import { upsertTranscriptItem } from '../../store/queries/transcript-items.ts';
import { json, scriptByFormat, startFakeOpenAiChat, text, type FakeOpenAiChat } from '../../testing/fake-openai-chat/index.ts';
import { handlehomeExtraction } from '../../testing/handlehome-fixtures.ts';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.ts';

let fake: FakeOpenAiChat;
let receiver: WebhookReceiver;
let app: TestApplication;
let admin: TestUser;
beforeAll(async () => {
  fake = await startFakeOpenAiChat();
  receiver = await startWebhookReceiver();
  // The workers poll on their own every 100 ms: nothing below asks for the analysis to run.
  app = await startTestApplication({ env: { JOB_POLL_INTERVAL_MS: '100', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl } });
  admin = await createTestUser(app, { role: 'admin' });
});
afterAll(async () => {
  await app.close();
  await receiver.close();
  await fake.close();
});

function as(options: InjectOptions) {
  return app.http.inject({ ...options, headers: { ...admin.headers, ...options.headers } });
}

const conversation: readonly (readonly ['user' | 'assistant', string])[] = [
  ['assistant', 'Bonjour, HandleHome restaurant, que puis-je faire pour vous ?'],
  ['user', 'Bonjour, c’est Léa Martin, je voudrais deux burgers classiques à emporter pour lundi 19 heures, un sans oignons.'],
  ['assistant', 'Très bien Léa, deux burgers classiques à emporter lundi à 19 heures, dont un sans oignons. Autre chose ?'],
  ['user', 'Avec du cheddar sur les deux, merci, ce sera tout.'],
];

describe('after a simulated call, without any request from the client', () => {
  it('every agent template’s analysis plan passes the plan validation', () => {
    for (const [name, template] of Object.entries(agentTemplates)) expect(analysisPlanSchema.safeParse(template.analysis).success, name).toBe(true);
  });

  it('the summary, the schema-valid extraction and the HandleHome records exist, and a receiver gets call.ended and call.analyzed, signed', async () => {
    const created = await as({ method: 'POST', url: '/v1/webhooks', payload: { url: receiver.url, events: ['call.ended', 'call.analyzed'] } });
    expect(created.statusCode).toBe(201);
    const { secret } = created.json<{ secret: string }>();
    const agent = await as({ method: 'POST', url: '/v1/agents', payload: { template: 'handlehome', shared: true } });
    expect(agent.statusCode).toBe(201);
    const extraction = handlehomeExtraction();
    fake.respondWith(scriptByFormat({ text: [text('Léa Martin commande deux burgers classiques à emporter pour lundi 19 h.')], handlehome_call: [json(extraction)] }));

    const callId = (await as({ method: 'POST', url: '/v1/calls', payload: { agentId: agent.json<{ id: string }>().id } })).json<{ id: string }>().id;
    await transitionCall(app.database.db, { tenantId: admin.tenant.id, callId, to: 'active', at: new Date() });
    for (const [seq, [role, said]] of conversation.entries()) {
      await upsertTranscriptItem(app.database.db, { tenantId: admin.tenant.id, callId, seq, role, text: said, startMs: seq * 4000, endMs: seq * 4000 + 3500, interrupted: false });
    }
    expect((await as({ method: 'POST', url: `/v1/calls/${callId}/end` })).statusCode).toBe(200);

    const received = await receiver.waitFor(2);
    expect(received.map((r) => r.headers[eventTypeHeader]).sort()).toEqual(['call.analyzed', 'call.ended']);
    for (const delivery of received) expect(verifyWebhookSignature(delivery.rawBody, delivery.headers[signatureHeader], secret).ok).toBe(true);
    const analyzed = JSON.parse(received.find((r) => r.headers[eventTypeHeader] === 'call.analyzed')?.rawBody ?? '{}') as { data: { analysis: { summary: string; extraction: unknown } } };
    expect(analyzed.data.analysis.summary).toContain('Léa Martin');
    expect(analyzed.data.analysis.extraction).toEqual(extraction);

    const analysis = await as({ url: `/v1/calls/${callId}/analysis` });
    expect(analysis.json()).toMatchObject({ status: 'succeeded', analysis: { extraction, summary: expect.stringContaining('burgers') as unknown } });
    const key = (await createTestApiKey(app, { tenantId: admin.tenant.id, scopes: ['read'] })).headers;
    const records = await app.http.inject({ url: '/api/calls', headers: key });
    expect(records.statusCode).toBe(200);
    expect(JSON.stringify(records.json())).toContain('Martin');
    const orders = await app.http.inject({ url: '/api/orders', headers: key });
    expect(JSON.stringify(orders.json())).toContain('Burger classique');
  });
});
