import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DatabaseHandle } from '../store/database.ts';
import { callEndedJobKind, callStartedJobKind } from '../store/queries/call-lifecycle-jobs.ts';
import { getCall, transitionCall } from '../store/queries/calls.ts';
import { listCallJobs } from '../store/queries/jobs.ts';
import { ManualClock, seedCall } from '../testing/job-fixtures.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { enqueue } from './queue.ts';

let handle: DatabaseHandle;
const clock = new ManualClock();
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

/** Now, a second later than the previous instant: rows listed by creation time keep their order. */
const at = () => {
  clock.advance(1_000);
  return new Date(clock.nowMs());
};

describe('jobs enqueued with the call’s end', () => {
  it('a start and an end each enqueue their lifecycle job in the status change’s transaction', async () => {
    const { tenantId, call } = await seedCall(handle.db, clock);
    await transitionCall(handle.db, { tenantId, callId: call.id, to: 'active', at: at() });
    await transitionCall(handle.db, { tenantId, callId: call.id, to: 'ended', reason: 'done', at: at() });
    const jobs = await listCallJobs(handle.db, { tenantId, callId: call.id });
    expect(jobs.map((j) => [j.kind, j.status, j.idempotencyKey])).toEqual([
      [callStartedJobKind, 'queued', `${callStartedJobKind}:${call.id}`],
      [callEndedJobKind, 'queued', `${callEndedJobKind}:${call.id}`],
    ]);
    expect(z.object({ callId: z.string(), from: z.string(), to: z.string() }).parse(jobs[1]?.payload)).toEqual({ callId: call.id, from: 'active', to: 'ended' });
  });

  it('a call ended in a transaction that rolls back leaves no job (and is not ended)', async () => {
    const { tenantId, call } = await seedCall(handle.db, clock);
    await transitionCall(handle.db, { tenantId, callId: call.id, to: 'active', at: at() });
    await expect(
      handle.db.transaction(async (tx) => {
        await transitionCall(tx, { tenantId, callId: call.id, to: 'ended', reason: 'done', at: at() });
        await enqueue(tx, { tenantId, callId: call.id, kind: 'analysis.summary', payload: { callId: call.id }, at: at() });
        expect((await listCallJobs(tx, { tenantId, callId: call.id })).map((j) => j.kind)).toEqual([callStartedJobKind, callEndedJobKind, 'analysis.summary']);
        throw new Error('the rest of the end failed');
      }),
    ).rejects.toThrow('the rest of the end failed');
    expect((await getCall(handle.db, { tenantId, callId: call.id }))?.status).toBe('active');
    expect((await listCallJobs(handle.db, { tenantId, callId: call.id })).map((j) => j.kind)).toEqual([callStartedJobKind]);
  });

  it('a call that cannot end (already ended) enqueues nothing more', async () => {
    const { tenantId, call } = await seedCall(handle.db, clock);
    await transitionCall(handle.db, { tenantId, callId: call.id, to: 'ended', at: at() });
    const again = await transitionCall(handle.db, { tenantId, callId: call.id, to: 'failed', at: at() });
    expect(again.ok).toBe(false);
    expect((await listCallJobs(handle.db, { tenantId, callId: call.id })).map((j) => j.kind)).toEqual([callEndedJobKind]);
  });

  it('an idempotency key already used by the tenant returns the existing job', async () => {
    const { tenantId, call } = await seedCall(handle.db, clock);
    const first = await enqueue(handle.db, { tenantId, callId: call.id, kind: 'analysis.summary', payload: { n: 1 }, idempotencyKey: `summary:${call.id}`, at: at() });
    const second = await enqueue(handle.db, { tenantId, callId: call.id, kind: 'analysis.summary', payload: { n: 2 }, idempotencyKey: `summary:${call.id}`, at: at() });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, job: { id: first.job.id, payload: { n: 1 } } });
    const other = await seedCall(handle.db, clock);
    const elsewhere = await enqueue(handle.db, { tenantId: other.tenantId, kind: 'analysis.summary', payload: {}, idempotencyKey: `summary:${call.id}`, at: at() });
    expect(elsewhere.created).toBe(true);
  });
});
