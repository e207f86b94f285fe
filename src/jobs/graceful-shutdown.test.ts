import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DatabaseHandle } from '../store/database.ts';
import { ManualClock, reloadJob, seedCall, testPool } from '../testing/job-fixtures.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { defineJobHandler } from './handler.ts';
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

/** A handler held until the test opens its gate; `seenAbort` tells whether its signal fired. */
function heldHandler(kind: string) {
  let open: () => void = () => undefined;
  const state = { runs: 0, seenAbort: false };
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const handler = defineJobHandler({
    kind,
    payload: z.object({}),
    async run(ctx) {
      state.runs += 1;
      ctx.signal.addEventListener('abort', () => {
        state.seenAbort = true;
      });
      if (state.runs === 1) await gate;
      return { status: 'succeeded' };
    },
  });
  return { handler, open, state };
}

describe('stopping the worker pool', () => {
  it('polls once started, and stops polling once stopped', async () => {
    const { handler } = heldHandler('polled');
    const pool = testPool(handle.db, clock, [handler], { pollIntervalMs: 1_000 });
    pool.start();
    const { job } = await enqueue(handle.db, { tenantId, kind: 'polled', payload: {}, at: new Date(clock.nowMs()) });
    await pool.stop();
    clock.advance(10_000);
    expect(await pool.tick()).toBe(0);
    expect((await reloadJob(handle.db, job)).status).toBe('queued');
    const running = testPool(handle.db, clock, [heldHandler('polled').handler]);
    running.start();
    clock.advance(0);
    await expect.poll(() => running.runningCount, { timeout: 10_000 }).toBe(1);
    const stopping = running.stop();
    clock.advance(5_000);
    await stopping;
  });

  it('waits for a running job that finishes within the grace period', async () => {
    const { handler, open, state } = heldHandler('finishes');
    const { job } = await enqueue(handle.db, { tenantId, kind: 'finishes', payload: {}, at: new Date(clock.nowMs()) });
    const pool = testPool(handle.db, clock, [handler], { shutdownGraceMs: 5_000 });
    expect(await pool.tick()).toBe(1);
    let stopped = false;
    const stopping = pool.stop().then(() => {
      stopped = true;
    });
    expect(await pool.tick()).toBe(0);
    clock.advance(4_999);
    await reloadJob(handle.db, job);
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect(state.seenAbort).toBe(false);
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('after the grace period, aborts the job and gives its lease back without counting the attempt', async () => {
    const { handler, state } = heldHandler('too-slow');
    const { job } = await enqueue(handle.db, { tenantId, kind: 'too-slow', payload: {}, at: new Date(clock.nowMs()) });
    const pool = testPool(handle.db, clock, [handler], { shutdownGraceMs: 5_000, workerId: 'leaving' });
    expect(await pool.tick()).toBe(1);
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'running', attempts: 1, lockedBy: 'leaving' });
    const stopping = pool.stop();
    clock.advance(5_000);
    await stopping;
    expect(state.seenAbort).toBe(true);
    const given = await reloadJob(handle.db, job);
    expect(given).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null, lockedUntil: null, lastError: null });
    expect(given.runAt.getTime()).toBe(clock.nowMs());
    // The next process runs it at once, not after a lease expiry.
    expect(await testPool(handle.db, clock, [handler], { workerId: 'next' }).drain()).toBe(1);
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
