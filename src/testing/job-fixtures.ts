import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { newId } from '../core/ids.ts';
import type { JobHandler } from '../jobs/handler.ts';
import { JobWorkerPool, type JobWorkerPoolOptions } from '../jobs/worker-pool.ts';
import { snapshotAgent } from '../services/calls.ts';
import { openDatabase, type Database, type DatabaseHandle } from '../store/database.ts';
import { createCall } from '../store/queries/calls.ts';
import { getJob } from '../store/queries/jobs.ts';
import type { CallRow } from '../store/schema/calls.ts';
import type { JobRow } from '../store/schema/jobs.ts';
import { ManualClock } from './manual-clock.ts';
import { seedTenant } from './store-fixtures.ts';
import { openTestDatabase } from './test-database.ts';

/** Lease of the test pools: long enough that nothing expires unless a test moves a clock past it. */
export const testLeaseMs = 30_000;

/** A worker pool on `db` driven by `clock` (a `ManualClock`: nothing happens unless the test says so). */
export function testPool(db: Database, clock: ManualClock, handlers: readonly JobHandler[], options: Partial<JobWorkerPoolOptions> = {}): JobWorkerPool {
  return new JobWorkerPool({
    db,
    clock,
    logger: pino({ level: 'silent' }),
    handlers,
    concurrency: 4,
    pollIntervalMs: 1_000,
    leaseMs: testLeaseMs,
    shutdownGraceMs: 5_000,
    random: () => 0.5,
    ...options,
  });
}

/** A tenant with a default agent and one call of theirs in status `created`. */
export async function seedCall(db: Database, clock: ManualClock): Promise<{ tenantId: string; call: CallRow }> {
  const { tenant, agent } = await seedTenant(db, 'jobs');
  const call = await createCall(db, {
    id: newId(),
    tenantId: tenant.id,
    userId: null,
    agentId: agent.id,
    agentSnapshot: snapshotAgent(agent),
    channel: 'api',
    direction: 'inbound',
    metadata: {},
    at: new Date(clock.nowMs()),
  });
  return { tenantId: tenant.id, call };
}

/** The job as stored now. */
export async function reloadJob(db: Database, job: Pick<JobRow, 'tenantId' | 'id'>): Promise<JobRow> {
  const row = await getJob(db, { tenantId: job.tenantId, jobId: job.id });
  if (!row) throw new Error(`job ${job.id} is gone`);
  return row;
}

export { ManualClock };

/**
 * Two handles on one fresh database, for concurrency tests: on PostgreSQL (`DATABASE_URL` set) two
 * separate connection pools, really concurrent; on PGlite the same single-connection handle twice.
 */
export async function openTwoConnections(): Promise<{ first: DatabaseHandle; second: DatabaseHandle; concurrent: boolean; close(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') {
    const handle = await openTestDatabase();
    return { first: handle, second: handle, concurrent: false, close: () => handle.close() };
  }
  const { default: postgres } = await import('postgres');
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const first = await openDatabase({ kind: 'postgres', url: url.toString() });
  await first.migrate();
  const second = await openDatabase({ kind: 'postgres', url: url.toString() });
  return {
    first,
    second,
    concurrent: true,
    async close() {
      await first.close();
      await second.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
