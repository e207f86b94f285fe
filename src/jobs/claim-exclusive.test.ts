import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DatabaseHandle } from '../store/database.ts';
import { claimJobs } from '../store/queries/jobs.ts';
import { jobs } from '../store/schema/jobs.ts';
import { ManualClock, openTwoConnections, seedCall, testPool } from '../testing/job-fixtures.ts';
import { defineJobHandler } from './handler.ts';
import { enqueue } from './queue.ts';

let connections: Awaited<ReturnType<typeof openTwoConnections>>;
let first: DatabaseHandle;
let second: DatabaseHandle;
const clock = new ManualClock();
beforeAll(async () => {
  connections = await openTwoConnections();
  ({ first, second } = connections);
});
afterAll(async () => {
  await connections.close();
});

/** Records every run; each run does a database round trip, so runs of two pools interleave. */
function countingHandler(kind: string, runs: string[]) {
  return defineJobHandler({
    kind,
    payload: z.object({}),
    async run(ctx) {
      await ctx.db.execute(sql`select 1`);
      runs.push(ctx.job.id);
      return { status: 'succeeded' };
    },
  });
}

async function enqueueMany(kind: string, count: number): Promise<string[]> {
  const { tenantId } = await seedCall(first.db, clock);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push((await enqueue(first.db, { tenantId, kind, payload: {}, at: new Date(clock.nowMs()) })).job.id);
  return ids;
}

describe('claiming jobs', () => {
  it('two workers racing for one job: exactly one runs it', async () => {
    const runs: string[] = [];
    const [id] = await enqueueMany('race-one', 1);
    const a = testPool(first.db, clock, [countingHandler('race-one', runs)], { workerId: 'a' });
    const b = testPool(second.db, clock, [countingHandler('race-one', runs)], { workerId: 'b' });
    const started = await Promise.all([a.tick(), b.tick()]);
    expect(started.sort()).toEqual([0, 1]);
    await Promise.all([a.idle(), b.idle()]);
    expect(runs).toEqual([id]);
  });

  it('two pools draining 60 jobs run each exactly once', async () => {
    const runs: string[] = [];
    const ids = await enqueueMany('race-many', 60);
    const a = testPool(first.db, clock, [countingHandler('race-many', runs)], { workerId: 'a', concurrency: 3 });
    const b = testPool(second.db, clock, [countingHandler('race-many', runs)], { workerId: 'b', concurrency: 3 });
    const [ranByA, ranByB] = await Promise.all([a.drain(), b.drain()]);
    expect(runs.sort()).toEqual([...ids].sort());
    expect(ranByA + ranByB).toBe(60);
    const statuses = await first.db.select({ status: jobs.status }).from(jobs).where(sql`${jobs.kind} = 'race-many'`);
    expect(statuses.every((s) => s.status === 'succeeded')).toBe(true);
  });

  it('a worker skips a row another transaction holds (SKIP LOCKED) and takes the next one', async (context) => {
    // PGlite has one connection: an open transaction there blocks every other query, so this needs PostgreSQL.
    if (!connections.concurrent) context.skip();
    const ids = await enqueueMany('locked-row', 2);
    await first.db.transaction(async (tx) => {
      await tx.execute(sql`select id from jobs where id = ${ids[0]} for update`);
      const claimed = await claimJobs(second.db, { workerId: 'b', kinds: ['locked-row'], now: new Date(clock.nowMs()), leaseMs: 30_000, limit: 2 });
      expect(claimed.map((j) => j.id)).toEqual([ids[1]]);
    });
  });

  it('claims only the kinds the worker has handlers for, and only due jobs', async () => {
    const { tenantId } = await seedCall(first.db, clock);
    const now = clock.nowMs();
    await enqueue(first.db, { tenantId, kind: 'unknown-kind', payload: {}, at: new Date(now) });
    const later = await enqueue(first.db, { tenantId, kind: 'known-kind', payload: {}, runAt: new Date(now + 60_000), at: new Date(now) });
    const runs: string[] = [];
    const pool = testPool(first.db, clock, [countingHandler('known-kind', runs)]);
    expect(await pool.drain()).toBe(0);
    clock.advance(60_000);
    expect(await pool.drain()).toBe(1);
    expect(runs).toEqual([later.job.id]);
  });
});
