import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventIdHeader, signatureHeader } from '../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../services/webhooks/verify.ts';
import { jobs } from '../store/schema/jobs.ts';
import { webhookDeliveries } from '../store/schema/webhook-deliveries.ts';
import { webhookEvents } from '../store/schema/webhook-events.ts';
import { createDurableTestDatabase, type DurableTestDatabase } from '../testing/durable-test-database.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { api, registerTenant } from './child-api.ts';
import { shortLeaseJobEnv, startChildServer, type ChildServer } from './child-server.ts';

const calls = 6;
const jobEnv = shortLeaseJobEnv(2);

let database: DurableTestDatabase;
let receiver: WebhookReceiver;
let server: ChildServer | undefined;
beforeAll(async () => {
  database = await createDurableTestDatabase();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await server?.kill('SIGKILL');
  await receiver.close();
  await database.dispose();
});

describe('the server process is killed while jobs run', () => {
  it('after a restart every job finishes, and each webhook event takes effect exactly once', async () => {
    server = await startChildServer({ ...database.env, ...jobEnv });
    const { accessToken: token, tenant } = await registerTenant(server.baseUrl, 'jobs', 'Crash');
    const { secret } = await api<{ secret: string }>(server.baseUrl, '/v1/webhooks', { method: 'POST', token, body: { url: receiver.url, events: ['call.ended'] } });
    // The first two deliveries hang: their jobs are running when the process dies; the others wait in the queue.
    receiver.answerNext('hang', 'hang');
    for (let i = 0; i < calls; i += 1) {
      const { id } = await api<{ id: string }>(server.baseUrl, '/v1/calls', { method: 'POST', token, body: {} });
      await api(server.baseUrl, `/v1/calls/${id}/end`, { method: 'POST', token, body: { reason: 'done' } });
    }
    await receiver.waitFor(2);
    expect((await server.kill('SIGKILL')).signal).toBe('SIGKILL');

    server = await startChildServer({ ...database.env, ...jobEnv });
    // Every event arrives once more after the restart: the two interrupted ones once their lease expires.
    await receiver.waitFor(2 + calls);
    const stopped = await server.kill('SIGTERM');
    expect(stopped.code, server.output()).toBe(0);

    const answered = receiver.received.filter((r) => r.status === 200);
    const eventIds = answered.map((r) => String(r.headers[eventIdHeader]));
    expect(new Set(eventIds).size).toBe(calls);
    expect(eventIds).toHaveLength(calls); // no event was answered twice: one effect each
    for (const request of answered) expect(verifyWebhookSignature(request.rawBody, request.headers[signatureHeader], secret).ok).toBe(true);
    const interrupted = receiver.received.filter((r) => r.status === 0).map((r) => String(r.headers[eventIdHeader]));
    expect(interrupted.every((id) => eventIds.includes(id))).toBe(true);

    const handle = await database.open();
    try {
      const rows = await handle.db.select({ kind: jobs.kind, status: jobs.status, attempts: jobs.attempts }).from(jobs).where(eq(jobs.tenantId, tenant.id));
      expect(rows.filter((j) => j.kind === 'call-ended').map((j) => j.status)).toEqual(Array.from({ length: calls }, () => 'succeeded'));
      const deliveries = rows.filter((j) => j.kind === 'webhook-delivery');
      expect(deliveries.map((j) => j.status)).toEqual(Array.from({ length: calls }, () => 'succeeded'));
      // The two interrupted deliveries ran twice (the first attempt died with the process), the rest once.
      expect(deliveries.map((j) => j.attempts).sort()).toEqual([1, 1, 1, 1, 2, 2]);
      const events = await handle.db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.tenantId, tenant.id));
      expect(events).toHaveLength(calls);
      const log = await handle.db.select({ succeeded: webhookDeliveries.succeeded }).from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, tenant.id));
      expect(log.map((d) => d.succeeded)).toEqual(Array.from({ length: calls }, () => true));
    } finally {
      await handle.close();
    }
  }, 180_000);
});
