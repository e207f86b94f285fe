import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventIdHeader, eventTypeHeader, signatureHeader } from '../../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../../services/webhooks/verify.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { analysisWorld, bookingSchema } from '../../testing/analysis-world.ts';
import { json, scriptByFormat, startFakeOpenAiChat, text, type FakeOpenAiChat } from '../../testing/fake-openai-chat/index.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.ts';

let handle: DatabaseHandle;
let fake: FakeOpenAiChat;
let receiver: WebhookReceiver;
beforeAll(async () => {
  handle = await openTestDatabase();
});
beforeEach(async () => {
  fake = await startFakeOpenAiChat();
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await fake.close();
  await receiver.close();
});
afterAll(async () => {
  await handle.close();
});

const booking = { name: 'Julie Martin', phone: '06 12 34 56 78', partySize: 4 };

describe('call.analyzed', () => {
  it('reaches a receiver after call.ended with the summary, extraction and evaluation, signed so that it verifies', async () => {
    const world = analysisWorld(handle.db, fake);
    const plan = {
      summary: {},
      extraction: { name: 'booking', schema: bookingSchema },
      evaluation: { type: 'rubric' as const, criteria: 'The agent confirmed the date, time and party size.', min: 1, max: 5 },
    };
    fake.respondWith(scriptByFormat({ text: [text('Julie booked a table for four.')], booking: [json(booking)], evaluation: [json({ score: 5, reason: 'All three were confirmed.' })] }));
    let secret = '';
    const call = await world.endedCall(plan, undefined, async (tenantId) => {
      secret = (await world.endpoints.create(tenantId, { url: receiver.url, events: ['call.ended', 'call.analyzed'] })).secret;
    });
    await world.pool.drain();
    const received = await receiver.waitFor(2);
    expect(received.map((r) => r.headers[eventTypeHeader]).sort()).toEqual(['call.analyzed', 'call.ended']);
    const analyzed = received.find((r) => r.headers[eventTypeHeader] === 'call.analyzed');
    expect(verifyWebhookSignature(analyzed?.rawBody ?? '', analyzed?.headers[signatureHeader], secret, { nowMs: world.clock.nowMs() })).toMatchObject({ ok: true });
    expect(verifyWebhookSignature(analyzed?.rawBody ?? '', analyzed?.headers[signatureHeader], 'whsec_wrong', { nowMs: world.clock.nowMs() })).toMatchObject({ ok: false });
    const body = JSON.parse(analyzed?.rawBody ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      id: analyzed?.headers[eventIdHeader],
      type: 'call.analyzed',
      callId: call.id,
      data: {
        call: { id: call.id, status: 'ended' },
        analysis: {
          status: 'succeeded',
          reason: null,
          summary: 'Julie booked a table for four.',
          extraction: booking,
          evaluation: { type: 'rubric', min: 1, max: 5, score: 5, reason: 'All three were confirmed.' },
          model: 'gpt-4o-mini',
        },
      },
    });
    const evaluationRequest = fake.requests.find((r) => r.body.response_format?.type === 'json_schema' && r.body.response_format.json_schema.name === 'evaluation');
    expect(evaluationRequest?.body.response_format).toMatchObject({
      json_schema: { strict: true, schema: { properties: { score: { type: 'integer', minimum: 1, maximum: 5 } } } },
    });
  });

  it('reports a skipped call too, with its reason', async () => {
    const world = analysisWorld(handle.db, fake);
    await world.endedCall({ summary: {} }, [['user', 'Hello?']], (tenantId) => world.endpoints.create(tenantId, { url: receiver.url, events: ['call.analyzed'] }));
    await world.pool.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(JSON.parse(delivery?.rawBody ?? '{}')).toMatchObject({ data: { analysis: { status: 'skipped', reason: expect.stringContaining('transcript too short') as unknown, summary: null } } });
    expect(fake.requests).toHaveLength(0);
  });
});
