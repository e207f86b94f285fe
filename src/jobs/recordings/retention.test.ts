import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../audio/wav.ts';
import { recordingAbsolutePath } from '../../services/recordings/recording-files.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { getRecordingOfCall } from '../../store/queries/recordings.ts';
import { calls } from '../../store/schema/calls.ts';
import { jobs } from '../../store/schema/jobs.ts';
import { tenants } from '../../store/schema/tenants.ts';
import { ManualClock, reloadJob, testPool } from '../../testing/job-fixtures.ts';
import { createRecordedCall, recordCallFixture } from '../../testing/recording-fixtures.ts';
import { silentLogger } from '../../testing/runtime-fakes/index.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { recordingRetentionHandler } from './retention-handler.ts';
import { RecordingRetentionScheduler } from './retention-scheduler.ts';

const DAY_MS = 86_400_000;
const STALE_MS = 70 * 60_000;
let handle: DatabaseHandle;
let root: string;
beforeAll(async () => {
  handle = await openTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'switchboard-retention-'));
});
afterAll(async () => {
  await handle.close();
  await rm(root, { recursive: true, force: true });
});

function setUp(clock: ManualClock) {
  const scheduler = new RecordingRetentionScheduler({ db: handle.db, clock, logger: silentLogger(), staleAfterMs: STALE_MS, intervalMs: 60 * 60_000, root });
  const pool = testPool(handle.db, clock, [recordingRetentionHandler({ root, staleAfterMs: STALE_MS })]);
  return { scheduler, pool };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('recording retention', () => {
  it('deletes a recording’s file after the agent’s retention period and marks its row, once per tenant and period', async () => {
    const clock = new ManualClock();
    const { tenant, agent } = await seedTenant(handle.db, 'retention');
    const call = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null, recording: { retentionDays: 2 } });
    await recordCallFixture(handle.db, clock, { root, call, seconds: 3 });
    const recording = await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(recording).toMatchObject({ status: 'ready', retentionDays: 2 });
    const path = recordingAbsolutePath(root, recording?.path ?? '');
    expect(await exists(path)).toBe(true);
    const { scheduler, pool } = setUp(clock);

    clock.advance(2 * DAY_MS - 60_000); // a minute before expiry: nothing to do
    expect(await scheduler.sweep()).toBe(0);
    clock.advance(61_000);
    expect(await scheduler.sweep()).toBe(1);
    expect(await scheduler.sweep()).toBe(1); // the same period: the same job
    const queued = await handle.db.select().from(jobs).where(eq(jobs.tenantId, tenant.id));
    expect(queued.filter((job) => job.kind === 'recordings.retention')).toHaveLength(1);

    expect(await pool.drain()).toBe(1);
    const [job] = queued;
    expect(await reloadJob(handle.db, job ?? { tenantId: '', id: '' })).toMatchObject({ status: 'succeeded', result: { deleted: 1, repaired: 0 } });
    expect(await exists(path)).toBe(false);
    const deleted = await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(deleted).toMatchObject({ status: 'deleted', note: 'deleted after its 2-day retention' });
    expect(deleted?.deletedAt?.getTime()).toBe(clock.nowMs());
    // Nothing is due any more.
    clock.advance(60 * 60_000);
    expect(await scheduler.sweep()).toBe(0);
  });

  it('finishes a recording whose server died mid-call: a well-formed WAV of what reached the disk', async () => {
    const clock = new ManualClock();
    const { tenant, agent } = await seedTenant(handle.db, 'crashed');
    const call = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null });
    await recordCallFixture(handle.db, clock, { root, call, seconds: 15, crash: true });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the writes queued before the "crash" reach the disk
    const row = await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(row?.status).toBe('recording');
    const path = recordingAbsolutePath(root, row?.path ?? '');
    const before = await readFile(path);
    // Already readable: the header was patched every 10 s of audio while the call ran.
    expect(before.readUInt32LE(40)).toBeGreaterThanOrEqual(10 * 16_000 * 4);
    expect(before.readUInt32LE(40)).toBeLessThanOrEqual(before.length - 44);
    const { scheduler, pool } = setUp(clock);

    expect(await scheduler.sweep()).toBe(0); // it could still be a live call
    clock.advance(STALE_MS);
    expect(await scheduler.sweep()).toBe(1);
    expect(await pool.drain()).toBe(1);

    const repaired = await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(repaired).toMatchObject({ status: 'ready', note: 'the server stopped during the call; finished from what was on disk' });
    const bytes = await readFile(path);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    const wav = decodeWav(new Uint8Array(bytes));
    expect(wav.channels).toBe(2);
    // 15 s minus what was still behind the writer's lag when the process died.
    expect(repaired?.durationMs).toBeGreaterThanOrEqual(14_000);
    expect(repaired?.durationMs).toBe(Math.round((wav.samples.length / 2 / 16_000) * 1000));
  });

  it('deletes the files of deleted calls and tenants (rows cascade, files do not), once they are an hour old', async () => {
    const clock = new ManualClock(Date.now());
    const { tenant, agent } = await seedTenant(handle.db, 'orphans');
    const kept = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null });
    const dropped = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null });
    await recordCallFixture(handle.db, clock, { root, call: kept, seconds: 1 });
    await recordCallFixture(handle.db, clock, { root, call: dropped, seconds: 1 });
    const keptPath = recordingAbsolutePath(root, `${tenant.id}/${kept.id}.wav`);
    const droppedPath = recordingAbsolutePath(root, `${tenant.id}/${dropped.id}.wav`);
    await handle.db.delete(calls).where(eq(calls.id, dropped.id));
    const { scheduler } = setUp(clock);

    await scheduler.sweep();
    expect(await exists(droppedPath)).toBe(true); // younger than an hour: its row may still be coming
    clock.advance(61 * 60_000);
    await scheduler.sweep();
    expect(await exists(droppedPath)).toBe(false);
    expect(await exists(keptPath)).toBe(true);

    await handle.db.delete(tenants).where(eq(tenants.id, tenant.id));
    await scheduler.sweep();
    expect(await exists(keptPath)).toBe(false);
    expect(await exists(join(root, tenant.id))).toBe(false);
  });
});
