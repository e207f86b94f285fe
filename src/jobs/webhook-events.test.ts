import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventIdHeader, eventTypeHeader } from '../services/webhooks/signature.ts';
import { webhookDeliveryJobKind } from '../services/webhooks/events.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { listCallJobs } from '../store/queries/jobs.ts';
import { reloadJob, seedCall } from '../testing/job-fixtures.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { webhookWorld, type WebhookWorld } from '../testing/webhook-world.ts';

let handle: DatabaseHandle;
let receiver: WebhookReceiver;
let world: WebhookWorld;
beforeAll(async () => {
  handle = await openTestDatabase();
});
beforeEach(async () => {
  receiver = await startWebhookReceiver();
  world = webhookWorld(handle.db);
});
afterEach(async () => {
  await receiver.close();
});
afterAll(async () => {
  await handle.close();
});

/** The event types each receiver path got, in order. */
function typesByPath(): Record<string, string[]> {
  const byPath: Record<string, string[]> = {};
  for (const request of receiver.received) (byPath[request.path] ??= []).push(String(request.headers[eventTypeHeader]));
  return byPath;
}

describe('webhook events', () => {
  it('go only to enabled endpoints subscribed to their type', async () => {
    const { tenantId, call } = await seedCall(handle.db, world.clock);
    const endpoint = (name: string, events: ('call.started' | 'call.ended')[], enabled = true) =>
      world.endpoints.create(tenantId, { url: `${receiver.url}?to=${name}`, events, enabled });
    await endpoint('ended', ['call.ended']);
    await endpoint('started', ['call.started']);
    await endpoint('both', ['call.started', 'call.ended']);
    await endpoint('disabled', ['call.started', 'call.ended'], false);
    const other = await seedCall(handle.db, world.clock);
    await world.endpoints.create(other.tenantId, { url: `${receiver.url}?to=other-tenant`, events: ['call.started', 'call.ended'] });
    await world.runCall(tenantId, call.id);
    await world.pool.drain();
    const byPath = typesByPath();
    expect(Object.keys(byPath).sort()).toEqual(['/hooks/switchboard?to=both', '/hooks/switchboard?to=ended', '/hooks/switchboard?to=started']);
    expect(byPath['/hooks/switchboard?to=ended']).toEqual(['call.ended']);
    expect(byPath['/hooks/switchboard?to=started']).toEqual(['call.started']);
    expect(byPath['/hooks/switchboard?to=both']?.sort()).toEqual(['call.ended', 'call.started']);
    const jobs = await listCallJobs(handle.db, { tenantId, callId: call.id });
    expect(jobs.filter((j) => j.kind === webhookDeliveryJobKind).map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('are stored and enqueued in the caller’s transaction: a rollback sends nothing; the same dedupe key is one event', async () => {
    const { tenantId, call } = await seedCall(handle.db, world.clock);
    await world.endpoints.create(tenantId, { url: receiver.url, events: ['call.analyzed'] });
    const analyzed = { type: 'call.analyzed' as const, callId: call.id, data: { summary: 'The caller booked a repair.' }, dedupeKey: `call.analyzed:${call.id}` };
    await expect(
      handle.db.transaction(async (tx) => {
        expect((await world.events.emitEvent(tx, tenantId, analyzed)).deliveries).toBe(1);
        throw new Error('the analysis could not be saved');
      }),
    ).rejects.toThrow('could not be saved');
    expect(await listCallJobs(handle.db, { tenantId, callId: call.id })).toEqual([]);
    const first = await handle.db.transaction((tx) => world.events.emitEvent(tx, tenantId, analyzed));
    const again = await handle.db.transaction((tx) => world.events.emitEvent(tx, tenantId, analyzed));
    expect(first.deliveries).toBe(1);
    expect(again).toEqual({ eventId: first.eventId, deliveries: 0 });
    await world.pool.drain();
    expect(receiver.received.map((r) => r.headers[eventIdHeader])).toEqual([first.eventId]);
    expect(JSON.parse(receiver.received[0]?.rawBody ?? '{}')).toMatchObject({ type: 'call.analyzed', data: { summary: 'The caller booked a repair.' } });
  });

  it('nothing is stored for an event no endpoint wants', async () => {
    const { tenantId, call } = await seedCall(handle.db, world.clock);
    const emitted = await handle.db.transaction((tx) => world.events.emitEvent(tx, tenantId, { type: 'transcript.updated', callId: call.id, data: {} }));
    expect(emitted).toEqual({ eventId: null, deliveries: 0 });
  });

  it('a logged delivery can be sent again: same event id, a new job, once per log entry', async () => {
    const { tenantId, call } = await seedCall(handle.db, world.clock);
    const { endpoint } = await world.endpoints.create(tenantId, { url: receiver.url, events: ['call.ended'] });
    await world.runCall(tenantId, call.id);
    await world.pool.drain();
    const [delivered] = await world.endpoints.deliveries(tenantId, endpoint.id, { limit: 1 });
    if (!delivered) throw new Error('no delivery');
    const redelivery = await world.endpoints.redeliver(tenantId, endpoint.id, delivered.id);
    const twice = await world.endpoints.redeliver(tenantId, endpoint.id, delivered.id);
    expect(redelivery.created).toBe(true);
    expect(twice).toMatchObject({ created: false, job: { id: redelivery.job.id } });
    expect(redelivery.job.callId).toBe(call.id);
    world.clock.advance(1_000);
    await world.pool.drain();
    expect(await reloadJob(handle.db, redelivery.job)).toMatchObject({ status: 'succeeded' });
    expect(receiver.received.map((r) => r.headers[eventIdHeader])).toEqual([delivered.eventId, delivered.eventId]);
    const log = await world.endpoints.deliveries(tenantId, endpoint.id, { limit: 10 });
    expect(log.map((d) => d.jobId)).toEqual([redelivery.job.id, delivered.jobId]);
  });

  it('a receiver address the policy refuses fails the job at once, logged, without retries', async () => {
    const { tenantId, call } = await seedCall(handle.db, world.clock);
    const { endpoint } = await world.endpoints.create(tenantId, { url: receiver.url, events: ['call.ended'] });
    // The same database served by a production-configured process: no private addresses.
    const strict = webhookWorld(handle.db, { policy: { requireHttps: false, allowPrivateNetworks: false }, clock: world.clock });
    await strict.runCall(tenantId, call.id);
    await strict.pool.drain();
    const job = (await listCallJobs(handle.db, { tenantId, callId: call.id })).find((j) => j.kind === webhookDeliveryJobKind);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job?.lastError).toContain('loopback, private or link-local');
    const [entry] = await world.endpoints.deliveries(tenantId, endpoint.id, { limit: 1 });
    expect(entry).toMatchObject({ statusCode: null, succeeded: false });
    expect(receiver.received).toHaveLength(0);
  });
});
