import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../../services/webhooks/verify.ts';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.ts';
import type { JobDto } from '../jobs/schemas.ts';

let app: TestApplication;
let admin: TestUser;
let receiver: WebhookReceiver;
beforeAll(async () => {
  app = await startTestApplication({ env: { JOB_POLL_INTERVAL_MS: '60000' } });
  admin = await createTestUser(app, { role: 'admin' });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await app.close();
  await receiver.close();
});

function as(user: { headers: Readonly<Record<string, string>> }, options: InjectOptions) {
  return app.http.inject({ ...options, headers: { ...user.headers, ...options.headers } });
}

interface EndpointDto {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret?: string;
  previousSecretExpiresAt: string | null;
}

async function createEndpoint(payload: Record<string, unknown>, user: TestUser = admin): Promise<EndpointDto> {
  const res = await as(user, { method: 'POST', url: '/v1/webhooks', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<EndpointDto>();
}

describe('webhooks API', () => {
  it('creates an endpoint and shows its secret once', async () => {
    const created = await createEndpoint({ url: receiver.url, events: ['call.ended', 'call.started', 'call.ended'], description: 'CRM' });
    expect(created).toMatchObject({ url: receiver.url, events: ['call.ended', 'call.started'], enabled: true, previousSecretExpiresAt: null });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const fetched = await as(admin, { url: `/v1/webhooks/${created.id}` });
    expect(fetched.json()).not.toHaveProperty('secret');
    expect(fetched.body).not.toContain(created.secret);
    const listed = await as(admin, { url: '/v1/webhooks' });
    expect(listed.json<{ items: EndpointDto[] }>().items.map((e) => e.id)).toContain(created.id);
    expect(listed.body).not.toContain(created.secret);
  });

  it('validates the body: URL, events, unknown fields', async () => {
    const bad = async (payload: Record<string, unknown>) => (await as(admin, { method: 'POST', url: '/v1/webhooks', payload })).json<{ code: string; details?: { path: string; message: string }[] }>();
    expect(await bad({ url: 'not a url', events: ['call.ended'] })).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.url', message: 'is not a valid URL' }] });
    expect(await bad({ url: 'ftp://example.com', events: ['call.ended'] })).toMatchObject({ details: [{ path: 'body.url', message: 'must be an http(s) URL' }] });
    expect((await bad({ url: receiver.url, events: [] })).code).toBe('validation_failed');
    expect((await bad({ url: receiver.url, events: ['call.exploded'] })).code).toBe('validation_failed');
    expect(await bad({ url: receiver.url, events: ['call.ended'], secret: 'mine' })).toMatchObject({ details: [{ path: 'body.secret' }] });
  });

  it('updates, rotates the secret (both sign for a while) and deletes; other tenants get 404', async () => {
    const created = await createEndpoint({ url: receiver.url, events: ['call.ended'] });
    const patched = await as(admin, { method: 'PATCH', url: `/v1/webhooks/${created.id}`, payload: { events: ['call.analyzed'], enabled: false } });
    expect(patched.json()).toMatchObject({ events: ['call.analyzed'], enabled: false });
    const rotated = await as(admin, { method: 'POST', url: `/v1/webhooks/${created.id}/rotate-secret`, payload: { previousSecretValidForS: 600 } });
    const body = rotated.json<EndpointDto>();
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(created.secret);
    expect(body.previousSecretExpiresAt).not.toBeNull();
    const retired = await as(admin, { method: 'POST', url: `/v1/webhooks/${created.id}/rotate-secret`, payload: { previousSecretValidForS: 0 } });
    expect(retired.json<EndpointDto>().previousSecretExpiresAt).toBeNull();
    const stranger = await createTestUser(app, { role: 'admin' });
    for (const request of [
      { url: `/v1/webhooks/${created.id}` },
      { method: 'PATCH' as const, url: `/v1/webhooks/${created.id}`, payload: { enabled: true } },
      { method: 'POST' as const, url: `/v1/webhooks/${created.id}/rotate-secret` },
      { url: `/v1/webhooks/${created.id}/deliveries` },
      { method: 'DELETE' as const, url: `/v1/webhooks/${created.id}` },
    ]) {
      expect((await as(stranger, request)).json(), request.url).toMatchObject({ code: 'webhook_not_found' });
    }
    expect((await as(admin, { method: 'DELETE', url: `/v1/webhooks/${created.id}` })).statusCode).toBe(204);
    expect((await as(admin, { url: `/v1/webhooks/${created.id}` })).statusCode).toBe(404);
  });

  it('needs the admin scope: members and keys without it get 403', async () => {
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    expect((await as(member, { url: '/v1/webhooks' })).statusCode).toBe(403);
    const readKey = await createTestApiKey(app, { tenantId: admin.tenant.id, scopes: ['read', 'write', 'calls'] });
    expect((await as(readKey, { url: '/v1/webhooks' })).statusCode).toBe(403);
    const adminKey = await createTestApiKey(app, { tenantId: admin.tenant.id, scopes: ['admin'] });
    expect((await as(adminKey, { url: '/v1/webhooks' })).statusCode).toBe(200);
  });

  it('delivers a call’s end, shows the delivery log and the call’s jobs, and redelivers on request', async () => {
    const owner = await createTestUser(app, { role: 'admin' });
    const endpoint = await createEndpoint({ url: `${receiver.url}?log`, events: ['call.ended'] }, owner);
    const callId = (await as(owner, { method: 'POST', url: '/v1/calls', payload: {} })).json<{ id: string }>().id;
    await as(owner, { method: 'POST', url: `/v1/calls/${callId}/end`, payload: { reason: 'done' } });
    await app.jobs.pool.drain();
    const mine = receiver.received.filter((r) => r.path.endsWith('?log'));
    expect(mine).toHaveLength(1);
    expect(verifyWebhookSignature(mine[0]?.rawBody ?? '', mine[0]?.headers[signatureHeader], endpoint.secret ?? '').ok).toBe(true);

    const log = (await as(owner, { url: `/v1/webhooks/${endpoint.id}/deliveries` })).json<{ items: { id: string; eventType: string; statusCode: number; succeeded: boolean; attempt: number }[]; nextCursor: string | null }>();
    expect(log.items).toEqual([expect.objectContaining({ eventType: 'call.ended', statusCode: 200, succeeded: true, attempt: 1 })]);
    expect(log.nextCursor).toBeNull();
    const callJobs = (await as(owner, { url: `/v1/calls/${callId}/jobs` })).json<{ items: JobDto[] }>().items;
    expect(callJobs.map((j) => `${j.kind} ${j.status}`).sort()).toEqual(['call-ended succeeded', 'webhook-delivery succeeded']);

    const redeliver = await as(owner, { method: 'POST', url: `/v1/webhooks/${endpoint.id}/deliveries/${log.items[0]?.id ?? ''}/redeliver` });
    expect(redeliver.statusCode).toBe(202);
    expect(redeliver.json<JobDto>()).toMatchObject({ kind: 'webhook-delivery', callId });
    await app.jobs.pool.drain();
    expect(receiver.received.filter((r) => r.path.endsWith('?log'))).toHaveLength(2);
    const page = (await as(owner, { url: `/v1/webhooks/${endpoint.id}/deliveries?limit=1` })).json<{ items: unknown[]; nextCursor: string | null }>();
    expect(page.items).toHaveLength(1);
    const rest = (await as(owner, { url: `/v1/webhooks/${endpoint.id}/deliveries?limit=1&cursor=${page.nextCursor ?? ''}` })).json<{ items: unknown[]; nextCursor: string | null }>();
    expect(rest).toMatchObject({ items: [expect.anything()], nextCursor: null });
    expect((await as(owner, { method: 'POST', url: `/v1/webhooks/${endpoint.id}/deliveries/${crypto.randomUUID()}/redeliver` })).json()).toMatchObject({ code: 'webhook_delivery_not_found' });
  });
});
