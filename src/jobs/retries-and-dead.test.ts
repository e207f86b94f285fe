import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { ManualClock, reloadJob, seedCall, testPool } from '../testing/job-fixtures.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { defineJobHandler, JobFailure, type JobContext, type JobOutcome } from './handler.ts';
import { enqueue } from './queue.ts';

let handle: DatabaseHandle;
let tenantId: string;
const clock = new ManualClock();
beforeAll(async () => {
  handle = await openTestDatabase();
  ({ tenantId } = await seedCall(handle.db, clock));
});
afterAll(async () => {
  await handle.close();
});

const backoff = { baseMs: 1_000, capMs: 60_000 };
let kinds = 0;

/** A fresh job kind run by `run`, a pool for it (jitter fixed at 0.5) and one job of it. */
async function setUp(run: (ctx: JobContext<{ n?: number | undefined }>) => Promise<JobOutcome>, options: { maxAttempts?: number; payload?: Record<string, number | string> } = {}) {
  kinds += 1;
  const kind = `test-${String(kinds)}`;
  const handler = defineJobHandler({ kind, payload: z.object({ n: z.number().optional() }), backoff, timeoutMs: 1_000, run });
  const pool = testPool(handle.db, clock, [handler]);
  const { job } = await enqueue(handle.db, { tenantId, kind, payload: options.payload ?? {}, maxAttempts: options.maxAttempts ?? 5, at: new Date(clock.nowMs()) });
  return { pool, job };
}

describe('retries, backoff and final states', () => {
  it('retries a failing job after the backoff, keeping the last error, until it succeeds', async () => {
    let calls = 0;
    const { pool, job } = await setUp((ctx) => {
      calls += 1;
      if (calls < 3) return Promise.reject(new Error(`receiver down #${String(calls)}`));
      return Promise.resolve({ status: 'succeeded', result: { attempt: ctx.job.attempt } });
    });
    const t0 = clock.nowMs();
    expect(await pool.drain()).toBe(1);
    const afterFirst = await reloadJob(handle.db, job);
    // Full jitter with random() = 0.5: half of 1 s after the first failure, half of 2 s after the second.
    expect(afterFirst).toMatchObject({ status: 'queued', attempts: 1, lastError: 'receiver down #1', lockedBy: null });
    expect(afterFirst.runAt.getTime()).toBe(t0 + 500);
    expect(await pool.drain()).toBe(0);
    clock.advance(500);
    expect(await pool.drain()).toBe(1);
    const afterSecond = await reloadJob(handle.db, job);
    expect(afterSecond).toMatchObject({ status: 'queued', attempts: 2, lastError: 'receiver down #2' });
    expect(afterSecond.runAt.getTime()).toBe(t0 + 500 + 1_000);
    clock.advance(1_000);
    expect(await pool.drain()).toBe(1);
    const done = await reloadJob(handle.db, job);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3, lastError: null, result: { attempt: 3 }, lockedBy: null, lockedUntil: null });
    expect(done.finishedAt?.getTime()).toBe(clock.nowMs());
  });

  it('is dead after max attempts, with the last error', async () => {
    let calls = 0;
    const { pool, job } = await setUp(() => {
      calls += 1;
      return Promise.reject(new Error(`still failing #${String(calls)}`));
    }, { maxAttempts: 3 });
    for (let i = 0; i < 3; i += 1) {
      expect(await pool.drain()).toBe(1);
      clock.advance(60_000);
    }
    expect(await pool.drain()).toBe(0);
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'still failing #3' });
    expect(calls).toBe(3);
  });

  it('fails at once on a non-retryable failure (JobFailure, or an AppError that is not retryable)', async () => {
    const permanent = await setUp(() => Promise.reject(new JobFailure('the model answer does not fit the schema: /name is required')));
    expect(await permanent.pool.drain()).toBe(1);
    expect(await reloadJob(handle.db, permanent.job)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'JobFailure: the model answer does not fit the schema: /name is required' });
    const notFound = await setUp(() => Promise.reject(new AppError('call_not_found', 'Call not found')));
    await notFound.pool.drain();
    expect(await reloadJob(handle.db, notFound.job)).toMatchObject({ status: 'failed', lastError: 'AppError: Call not found' });
    const provider = await setUp(() => Promise.reject(new AppError('provider_unavailable', 'upstream down')));
    await provider.pool.drain();
    expect(await reloadJob(handle.db, provider.job)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('records a skip with its reason', async () => {
    const { pool, job } = await setUp(() => Promise.resolve({ status: 'skipped', reason: 'transcript too short: 12 characters, 3 words' }));
    await pool.drain();
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'skipped', attempts: 1, lastError: null, result: { reason: 'transcript too short: 12 characters, 3 words' } });
  });

  it('fails a job whose payload does not fit the handler’s schema, without running it', async () => {
    let ran = false;
    const { pool, job } = await setUp(() => {
      ran = true;
      return Promise.resolve({ status: 'succeeded' });
    }, { payload: { n: 'not a number' } });
    await pool.drain();
    expect(ran).toBe(false);
    const row = await reloadJob(handle.db, job);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('invalid payload');
  });

  it('counts an attempt that outlives its timeout as failed, and retries it', async () => {
    const { pool, job } = await setUp(
      (ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reject(new Error('aborted by signal'));
          });
        }),
    );
    expect(await pool.tick()).toBe(1);
    clock.advance(1_000);
    await pool.idle();
    const row = await reloadJob(handle.db, job);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.lastError).toBe('AttemptAborted: the attempt timed out after 1000 ms');
  });
});
