import { describe, expect, it } from 'vitest';
import { eventIdHeader, eventTypeHeader } from '../services/webhooks/signature.ts';
import { webhookDeliveryJobKind } from '../services/webhooks/events.ts';
import { listCallJobs } from '../store/queries/jobs.ts';
import { reloadJob, seedCall } from '../testing/job-fixtures.ts';
import { useWebhookTestbed, webhookWorld } from '../testing/webhook-world.ts';

const bed = useWebhookTestbed();

/** The event types each receiver path got, in order. */
function typesByPath(): Record<string, string[]> {
  const byPath: Record<string, string[]> = {};
  for (const request of bed.receiver.received) (byPath[request.path] ??= []).push(String(request.headers[eventTypeHeader]));
  return byPath;
}

describe('webhook events', () => {
  it('go only to enabled endpoints subscribed to their type', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    const endpoint = (name: string, events: ('call.started' | 'call.ended')[], enabled = true) =>
      bed.world.endpoints.create(tenantId, { url: `${bed.receiver.url}?to=${name}`, events, enabled });
    await endpoint('ended', ['call.ended']);
    await endpoint('started', ['call.started']);
    await endpoint('both', ['call.started', 'call.ended']);
    await endpoint('disabled', ['call.started', 'call.ended'], false);
    const other = await seedCall(bed.db, bed.world.clock);
    await bed.world.endpoints.create(other.tenantId, { url: `${bed.receiver.url}?to=other-tenant`, events: ['call.started', 'call.ended'] });
    await bed.world.runCall(tenantId, call.id);
    await bed.world.pool.drain();
    const byPath = typesByPath();
    expect(Object.keys(byPath).sort()).toEqual(['/hooks/switchboard?to=both', '/hooks/switchboard?to=ended', '/hooks/switchboard?to=started']);
    expect(byPath['/hooks/switchboard?to=ended']).toEqual(['call.ended']);
    expect(byPath['/hooks/switchboard?to=started']).toEqual(['call.started']);
    expect(byPath['/hooks/switchboard?to=both']?.sort()).toEqual(['call.ended', 'call.started']);
    const jobs = await listCallJobs(bed.db, { tenantId, callId: call.id });
    expect(jobs.filter((j) => j.kind === webhookDeliveryJobKind).map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('are stored and enqueued in the caller’s transaction: a rollback sends nothing; the same dedupe key is one event', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['call.analyzed'] });
    const analyzed = { type: 'call.analyzed' as const, callId: call.id, data: { summary: 'The caller booked a repair.' }, dedupeKey: `call.analyzed:${call.id}` };
    await expect(
      bed.db.transaction(async (tx) => {
        expect((await bed.world.events.emitEvent(tx, tenantId, analyzed)).deliveries).toBe(1);
        throw new Error('the analysis could not be saved');
      }),
    ).rejects.toThrow('could not be saved');
    expect(await listCallJobs(bed.db, { tenantId, callId: call.id })).toEqual([]);
    const first = await bed.db.transaction((tx) => bed.world.events.emitEvent(tx, tenantId, analyzed));
    const again = await bed.db.transaction((tx) => bed.world.events.emitEvent(tx, tenantId, analyzed));
    expect(first.deliveries).toBe(1);
    expect(again).toEqual({ eventId: first.eventId, deliveries: 0 });
    await bed.world.pool.drain();
    expect(bed.receiver.received.map((r) => r.headers[eventIdHeader])).toEqual([first.eventId]);
    expect(JSON.parse(bed.receiver.received[0]?.rawBody ?? '{}')).toMatchObject({ type: 'call.analyzed', data: { summary: 'The caller booked a repair.' } });
  });

  it('nothing is stored for an event no endpoint wants', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    const emitted = await bed.db.transaction((tx) => bed.world.events.emitEvent(tx, tenantId, { type: 'transcript.updated', callId: call.id, data: {} }));
    expect(emitted).toEqual({ eventId: null, deliveries: 0 });
  });

  it('a logged delivery can be sent again: same event id, a new job, once per log entry', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    const { endpoint } = await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['call.ended'] });
    await bed.world.runCall(tenantId, call.id);
    await bed.world.pool.drain();
    const [delivered] = await bed.world.endpoints.deliveries(tenantId, endpoint.id, { limit: 1 });
    if (!delivered) throw new Error('no delivery');
    const redelivery = await bed.world.endpoints.redeliver(tenantId, endpoint.id, delivered.id);
    const twice = await bed.world.endpoints.redeliver(tenantId, endpoint.id, delivered.id);
    expect(redelivery.created).toBe(true);
    expect(twice).toMatchObject({ created: false, job: { id: redelivery.job.id } });
    expect(redelivery.job.callId).toBe(call.id);
    bed.world.clock.advance(1_000);
    await bed.world.pool.drain();
    expect(await reloadJob(bed.db, redelivery.job)).toMatchObject({ status: 'succeeded' });
    expect(bed.receiver.received.map((r) => r.headers[eventIdHeader])).toEqual([delivered.eventId, delivered.eventId]);
    const log = await bed.world.endpoints.deliveries(tenantId, endpoint.id, { limit: 10 });
    expect(log.map((d) => d.jobId)).toEqual([redelivery.job.id, delivered.jobId]);
  });

  it('a receiver address the policy refuses fails the job at once, logged, without retries', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    const { endpoint } = await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['call.ended'] });
    // The same database served by a production-configured process: no private addresses.
    const strict = webhookWorld(bed.db, { policy: { requireHttps: false, allowPrivateNetworks: false }, clock: bed.world.clock });
    await strict.runCall(tenantId, call.id);
    await strict.pool.drain();
    const job = (await listCallJobs(bed.db, { tenantId, callId: call.id })).find((j) => j.kind === webhookDeliveryJobKind);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job?.lastError).toContain('loopback, private or link-local');
    const [entry] = await bed.world.endpoints.deliveries(tenantId, endpoint.id, { limit: 1 });
    expect(entry).toMatchObject({ statusCode: null, succeeded: false });
    expect(bed.receiver.received).toHaveLength(0);
  });
});
