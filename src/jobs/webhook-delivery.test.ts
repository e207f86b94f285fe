import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventIdHeader, signatureHeader } from '../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../services/webhooks/verify.ts';
import { listCallJobs } from '../store/queries/jobs.ts';
import { webhookDeliveryJobKind } from '../services/webhooks/events.ts';
import { reloadJob, seedCall } from '../testing/job-fixtures.ts';
import { testWebhookTimeoutMs, useWebhookTestbed } from '../testing/webhook-world.ts';

const bed = useWebhookTestbed();

const bodySchema = z.object({
  id: z.uuid(),
  type: z.string(),
  createdAt: z.string(),
  tenantId: z.uuid(),
  callId: z.uuid(),
  data: z.object({ call: z.object({ id: z.uuid(), status: z.string(), endReason: z.string().nullable() }), transcript: z.array(z.unknown()) }),
});

/** A call of a fresh tenant with one endpoint on the bed.receiver, subscribed to `call.ended`. */
async function endedCallWithEndpoint() {
  const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
  const { endpoint, secret } = await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['call.ended'] });
  await bed.world.runCall(tenantId, call.id);
  return { tenantId, call, endpoint, secret };
}

async function deliveryJob(tenantId: string, callId: string) {
  const job = (await listCallJobs(bed.db, { tenantId, callId })).find((j) => j.kind === webhookDeliveryJobKind);
  if (!job) throw new Error('no delivery job');
  return job;
}

describe('webhook delivery', () => {
  it('delivers call.ended signed, retries a failing receiver with backoff, and logs every attempt', async () => {
    const { tenantId, call, endpoint, secret } = await endedCallWithEndpoint();
    bed.receiver.answerNext(500);
    await bed.world.pool.drain();
    const job = await deliveryJob(tenantId, call.id);
    expect(job).toMatchObject({ status: 'queued', attempts: 1, lastError: 'JobFailure: HTTP 500: receiver answered 500' });
    bed.world.clock.advance(500);
    await bed.world.pool.drain();
    expect(await reloadJob(bed.db, job)).toMatchObject({ status: 'succeeded', attempts: 2, lastError: null, result: { statusCode: 200 } });

    const [first, second] = bed.receiver.received;
    if (!first || !second) throw new Error('two requests expected');
    for (const request of [first, second]) {
      expect(verifyWebhookSignature(request.rawBody, request.headers[signatureHeader], secret, { nowMs: bed.world.clock.nowMs() }).ok).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(second.headers[eventIdHeader]).toBe(first.headers[eventIdHeader]);
    expect([first.headers['switchboard-delivery-attempt'], second.headers['switchboard-delivery-attempt']]).toEqual(['1', '2']);
    const body = bodySchema.parse(JSON.parse(second.rawBody));
    expect(body).toMatchObject({ id: first.headers[eventIdHeader], type: 'call.ended', tenantId, callId: call.id, data: { call: { id: call.id, status: 'ended', endReason: 'caller_hung_up' }, transcript: [] } });

    const log = await bed.world.endpoints.deliveries(tenantId, endpoint.id, { limit: 10 });
    expect(log.map((d) => [d.attempt, d.statusCode, d.succeeded, d.error, d.jobId])).toEqual([
      [2, 200, true, null, job.id],
      [1, 500, false, 'HTTP 500: receiver answered 500', job.id],
    ]);
  });

  it('gives up after max attempts: the job is dead with the last error', async () => {
    const { tenantId, call } = await endedCallWithEndpoint();
    bed.receiver.answerNext(503, 503, 503, 503);
    for (let i = 0; i < 4; i += 1) {
      await bed.world.pool.drain();
      bed.world.clock.advance(60_000);
    }
    const job = await deliveryJob(tenantId, call.id);
    expect(job, JSON.stringify({ job, received: bed.receiver.received.map((r) => r.status) })).toMatchObject({ status: 'dead', attempts: 4, lastError: 'JobFailure: HTTP 503: receiver answered 503' });
    expect(bed.receiver.received).toHaveLength(4);
  });

  it('times out a receiver that never answers, and retries', async () => {
    const { tenantId, call, endpoint } = await endedCallWithEndpoint();
    bed.receiver.answerNext('hang');
    await bed.world.pool.tick(); // the lifecycle jobs, which enqueue the delivery
    await bed.world.pool.idle();
    expect(await bed.world.pool.tick()).toBe(1); // the delivery, which hangs until its timeout
    await bed.receiver.waitFor(1);
    bed.world.clock.advance(testWebhookTimeoutMs);
    await bed.world.pool.idle();
    expect(await deliveryJob(tenantId, call.id)).toMatchObject({ status: 'queued', attempts: 1, lastError: `JobFailure: timed out after ${String(testWebhookTimeoutMs)} ms` });
    const [entry] = await bed.world.endpoints.deliveries(tenantId, endpoint.id, { limit: 1 });
    expect(entry).toMatchObject({ statusCode: null, succeeded: false });
  });

  it('signs with both secrets while the previous one is still valid after a rotation', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    const { endpoint, secret: oldSecret } = await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['call.ended'] });
    const { secret: newSecret } = await bed.world.endpoints.rotateSecret(tenantId, endpoint.id, 3_600);
    await bed.world.runCall(tenantId, call.id);
    await bed.world.pool.drain();
    const [request] = bed.receiver.received;
    if (!request) throw new Error(`no request; jobs: ${JSON.stringify(await listCallJobs(bed.db, { tenantId, callId: call.id }))}`);
    const header = request.headers[signatureHeader];
    expect(String(header).match(/v1=/g)).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) expect(verifyWebhookSignature(request.rawBody, header, secret, { nowMs: bed.world.clock.nowMs() }).ok).toBe(true);
  });

  it('skips the delivery of an endpoint deleted or disabled in the meantime', async () => {
    const { tenantId, call, endpoint } = await endedCallWithEndpoint();
    await bed.world.pool.tick(); // the call's lifecycle jobs; the delivery is enqueued, not yet run
    await bed.world.pool.idle();
    await bed.world.endpoints.update(tenantId, endpoint.id, { enabled: false });
    await bed.world.pool.drain();
    expect(await deliveryJob(tenantId, call.id)).toMatchObject({ status: 'skipped', result: { reason: 'the endpoint is disabled' } });
    expect(bed.receiver.received).toHaveLength(0);
  });
});
