import { count, eq, sql } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DatabaseHandle } from '../store/database.ts';
import { ManualClock, reloadJob, seedCall, testLeaseMs, testPool } from '../testing/job-fixtures.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { defineJobHandler, type JobOutcome } from './handler.ts';
import { enqueue } from './queue.ts';

let handle: DatabaseHandle;
let tenantId: string;
const start = Date.UTC(2026, 10, 21, 12, 0, 0);
beforeAll(async () => {
  handle = await openTestDatabase();
  ({ tenantId } = await seedCall(handle.db, new ManualClock(start)));
  await handle.db.execute(sql`create table sent (key text primary key, times integer not null)`);
  await handle.db.execute(sql`create table recorded (key text not null, attempt integer not null)`);
});
afterAll(async () => {
  await handle.close();
});

/** A promise the test resolves: how a handler is held mid-run. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** The handler's effects: one outside the job's transaction (think: an HTTP call with an idempotency key), keyed so a repeat is a no-op; one committed with the job's success. */
const sent = pgTable('sent', { key: text('key').primaryKey(), times: integer('times').notNull() });
const recorded = pgTable('recorded', { key: text('key').notNull(), attempt: integer('attempt').notNull() });

async function rows(table: typeof sent | typeof recorded, key: string): Promise<number> {
  const [row] = await handle.db.select({ n: count() }).from(table).where(eq(table.key, key));
  return row?.n ?? 0;
}

describe('a worker that dies while running a job', () => {
  it('lets another worker run the job once its lease expires; the effect happens once and the zombie cannot commit', async () => {
    const attempts: number[] = [];
    const held = new Map<number, ReturnType<typeof gate>>();
    const handler = defineJobHandler({
      kind: 'crashy',
      payload: z.object({}),
      async run(ctx): Promise<JobOutcome> {
        attempts.push(ctx.job.attempt);
        await ctx.db.insert(sent).values({ key: ctx.idempotencyKey, times: 1 }).onConflictDoNothing();
        await held.get(ctx.job.attempt)?.promise;
        return ctx.commit(async (tx) => {
          await tx.insert(recorded).values({ key: ctx.idempotencyKey, attempt: ctx.job.attempt });
          return { status: 'succeeded', result: { attempt: ctx.job.attempt } };
        });
      },
    });
    const first = gate();
    held.set(1, first);
    // Two processes: A's clock never moves again (it was killed: no heartbeat), B's goes on.
    const clockA = new ManualClock(start);
    const clockB = new ManualClock(start);
    const { job } = await enqueue(handle.db, { tenantId, kind: 'crashy', payload: {}, idempotencyKey: 'effect-1', at: new Date(start) });
    const a = testPool(handle.db, clockA, [handler], { workerId: 'process-a' });
    const b = testPool(handle.db, clockB, [handler], { workerId: 'process-b' });

    expect(await a.tick()).toBe(1);
    await expect.poll(() => rows(sent, 'effect-1'), { timeout: 10_000 }).toBe(1);
    expect(await b.tick()).toBe(0); // A's lease holds
    clockB.advance(testLeaseMs + 1);
    expect(await b.drain()).toBe(1);
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'succeeded', attempts: 2, result: { attempt: 2 }, lockedBy: null });

    // A was not dead after all (a zombie): its commit is refused and rolled back.
    first.open();
    await a.idle();
    expect(attempts).toEqual([1, 2]);
    expect(await rows(sent, 'effect-1')).toBe(1);
    expect(await rows(recorded, 'effect-1')).toBe(1);
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'succeeded', attempts: 2, result: { attempt: 2 } });
  });

  it('marks the job dead when the lost attempt was its last one', async () => {
    const hold = gate();
    const handler = defineJobHandler({ kind: 'last-chance', payload: z.object({}), run: async () => { await hold.promise; return { status: 'succeeded' }; } });
    const clockA = new ManualClock(start);
    const clockB = new ManualClock(start);
    const { job } = await enqueue(handle.db, { tenantId, kind: 'last-chance', payload: {}, maxAttempts: 1, at: new Date(start) });
    const a = testPool(handle.db, clockA, [handler], { workerId: 'process-a' });
    expect(await a.tick()).toBe(1);
    clockB.advance(testLeaseMs + 1);
    await testPool(handle.db, clockB, [handler], { workerId: 'process-b' }).drain();
    const row = await reloadJob(handle.db, job);
    expect(row.status).toBe('dead');
    expect(row.lastError).toContain('attempt 1 never finished');
    hold.open();
    await a.idle();
    expect((await reloadJob(handle.db, job)).status).toBe('dead');
  });

  it('a live worker’s heartbeat keeps its lease: nobody else takes a long job', async () => {
    const hold = gate();
    const handler = defineJobHandler({ kind: 'long', payload: z.object({}), run: async () => { await hold.promise; return { status: 'succeeded' }; } });
    const clock = new ManualClock(start);
    const { job } = await enqueue(handle.db, { tenantId, kind: 'long', payload: {}, at: new Date(start) });
    const a = testPool(handle.db, clock, [handler], { workerId: 'process-a' });
    const b = testPool(handle.db, clock, [handler], { workerId: 'process-b' });
    expect(await a.tick()).toBe(1);
    for (let beat = 1; beat <= 6; beat += 1) {
      clock.advance(testLeaseMs / 3);
      const renewedTo = clock.nowMs() + testLeaseMs;
      await expect.poll(async () => (await reloadJob(handle.db, job)).lockedUntil?.getTime(), { timeout: 10_000 }).toBe(renewedTo);
      expect(await b.tick()).toBe(0);
    }
    hold.open();
    await a.idle();
    expect(await reloadJob(handle.db, job)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
