import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../jobs/queue.ts';
import { callEndedJobKind, callStartedJobKind } from '../../store/queries/call-lifecycle-jobs.ts';
import { jobs } from '../../store/schema/jobs.ts';
import { eq } from 'drizzle-orm';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';
import type { JobDto } from './schemas.ts';

let app: TestApplication;
let admin: TestUser;
let member: TestUser;
beforeAll(async () => {
  // Workers poll at start and when woken; the tests run the queue themselves with drain().
  app = await startTestApplication({ env: { JOB_POLL_INTERVAL_MS: '60000' } });
  admin = await createTestUser(app, { role: 'admin' });
  member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
});
afterAll(async () => {
  await app.close();
});

function as(user: TestUser, options: InjectOptions) {
  return app.http.inject({ ...options, headers: { ...user.headers, ...options.headers } });
}

async function endedCall(user: TestUser): Promise<string> {
  const created = await as(user, { method: 'POST', url: '/v1/calls', payload: {} });
  const callId = created.json<{ id: string }>().id;
  expect((await as(user, { method: 'POST', url: `/v1/calls/${callId}/end` })).statusCode).toBe(200);
  return callId;
}

/** A job of the admin's tenant stuck in `status`. */
async function jobIn(status: 'dead' | 'failed' | 'queued'): Promise<string> {
  const { job } = await enqueue(app.database.db, { tenantId: admin.tenant.id, kind: 'analysis.summary', payload: {}, at: new Date() });
  await app.database.db.update(jobs).set({ status, attempts: 5, lastError: status === 'queued' ? null : 'model unavailable' }).where(eq(jobs.id, job.id));
  return job.id;
}

describe('jobs API', () => {
  it('lists the jobs of a call with their status, as they run', async () => {
    const callId = await endedCall(member);
    const before = await as(member, { url: `/v1/calls/${callId}/jobs` });
    expect(before.statusCode).toBe(200);
    expect(before.json<{ items: JobDto[] }>().items.map((j) => [j.kind, j.status])).toEqual([[callEndedJobKind, 'queued']]);
    await app.jobs.pool.drain();
    const after = (await as(member, { url: `/v1/calls/${callId}/jobs` })).json<{ callId: string; items: JobDto[] }>();
    expect(after.callId).toBe(callId);
    expect(after.items).toEqual([
      expect.objectContaining({ kind: callEndedJobKind, status: 'succeeded', attempts: 1, callId, lastError: null, result: { eventId: null, deliveries: 0 } }),
    ]);
    expect(after.items[0]?.finishedAt).not.toBeNull();
    expect(Object.keys(after.items[0] ?? {})).not.toContain('payload');
  });

  it('shows a member only the jobs of their own calls; other tenants get 404', async () => {
    const adminsCall = await endedCall(admin);
    expect((await as(member, { url: `/v1/calls/${adminsCall}/jobs` })).statusCode).toBe(404);
    expect((await as(admin, { url: `/v1/calls/${adminsCall}/jobs` })).statusCode).toBe(200);
    const stranger = await createTestUser(app, { role: 'admin' });
    const res = await as(stranger, { url: `/v1/calls/${adminsCall}/jobs` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'call_not_found' });
  });

  it('retries a dead or failed job with a fresh set of attempts', async () => {
    for (const status of ['dead', 'failed'] as const) {
      const jobId = await jobIn(status);
      const res = await as(admin, { method: 'POST', url: `/v1/jobs/${jobId}/retry` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<JobDto>()).toMatchObject({ id: jobId, status: 'queued', attempts: 0, lastError: 'model unavailable', finishedAt: null });
    }
  });

  it('refuses to retry a job that is not failed or dead (409), another tenant’s (404), or as a member (403)', async () => {
    const queued = await jobIn('queued');
    const res = await as(admin, { method: 'POST', url: `/v1/jobs/${queued}/retry` });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'job_not_retryable' });
    const dead = await jobIn('dead');
    const stranger = await createTestUser(app, { role: 'admin' });
    expect((await as(stranger, { method: 'POST', url: `/v1/jobs/${dead}/retry` })).json()).toMatchObject({ code: 'job_not_found' });
    expect((await as(member, { method: 'POST', url: `/v1/jobs/${dead}/retry` })).statusCode).toBe(403);
  });

  it('lists the tenant’s jobs by status and kind for admins', async () => {
    const dead = await jobIn('dead');
    const res = await as(admin, { url: '/v1/jobs?status=dead&kind=analysis.summary' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: JobDto[] }>().items;
    expect(items.map((j) => j.id)).toContain(dead);
    expect(items.every((j) => j.status === 'dead' && j.kind === 'analysis.summary')).toBe(true);
    expect((await as(admin, { url: '/v1/jobs?status=lost' })).statusCode).toBe(400);
    expect((await as(admin, { url: `/v1/jobs?kind=${callStartedJobKind}&extra=1` })).statusCode).toBe(400);
  });
});
