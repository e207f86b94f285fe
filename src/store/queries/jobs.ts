import { and, asc, desc, eq, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Executor } from '../database.ts';
import { jobs, type JobRow, type JobStatus, type JsonObject } from '../schema/jobs.ts';

export interface NewJob {
  readonly tenantId: string;
  readonly callId?: string | null | undefined;
  readonly kind: string;
  readonly payload: JsonObject;
  readonly maxAttempts: number;
  /** Not before this instant; usually now. */
  readonly runAt: Date;
  /** Unique per tenant: enqueueing a key that exists returns the existing job and creates nothing. */
  readonly idempotencyKey?: string | null | undefined;
  readonly at: Date;
}

/**
 * Adds a job. Pass the transaction of the change that causes the job, so both commit or neither does.
 * With an idempotency key already used by the tenant, the existing job is returned (`created: false`).
 */
export async function insertJob(db: Executor, job: NewJob): Promise<{ readonly job: JobRow; readonly created: boolean }> {
  const [row] = await db
    .insert(jobs)
    .values({
      id: newId(),
      tenantId: job.tenantId,
      callId: job.callId ?? null,
      kind: job.kind,
      payload: job.payload,
      maxAttempts: job.maxAttempts,
      runAt: job.runAt,
      idempotencyKey: job.idempotencyKey ?? null,
      createdAt: job.at,
      updatedAt: job.at,
    })
    .onConflictDoNothing({ target: [jobs.tenantId, jobs.idempotencyKey] })
    .returning();
  if (row) return { job: row, created: true };
  const key = job.idempotencyKey;
  if (key === null || key === undefined) throw new Error('insert into jobs returned no row');
  const [existing] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.tenantId, job.tenantId), eq(jobs.idempotencyKey, key)))
    .limit(1);
  if (!existing) throw new Error('a job with this idempotency key conflicted but cannot be read');
  return { job: existing, created: false };
}

export interface ClaimParams {
  readonly workerId: string;
  /** Only jobs of these kinds (the ones this worker has handlers for). */
  readonly kinds: readonly string[];
  readonly now: Date;
  readonly leaseMs: number;
  readonly limit: number;
}

/**
 * Claims up to `limit` due jobs for `workerId`: queued jobs whose `run_at` has come, and running jobs
 * whose lease ran out (their worker died). Rows another transaction is claiming are skipped
 * (`FOR UPDATE SKIP LOCKED`), so concurrent workers never claim the same job. Each claim counts an
 * attempt. On PGlite (one connection) the transaction simply runs alone.
 */
export async function claimJobs(db: Executor, params: ClaimParams): Promise<JobRow[]> {
  if (params.kinds.length === 0 || params.limit <= 0) return [];
  return db.transaction(async (tx) => {
    const due = or(
      and(eq(jobs.status, 'queued'), lte(jobs.runAt, params.now)),
      and(eq(jobs.status, 'running'), lt(jobs.lockedUntil, params.now)),
    );
    const candidates = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(inArray(jobs.kind, [...params.kinds]), due))
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(params.limit)
      .for('update', { skipLocked: true });
    if (candidates.length === 0) return [];
    return tx
      .update(jobs)
      .set({
        status: 'running',
        attempts: sql`${jobs.attempts} + 1`,
        lockedBy: params.workerId,
        lockedUntil: new Date(params.now.getTime() + params.leaseMs),
        updatedAt: params.now,
      })
      .where(inArray(jobs.id, candidates.map((c) => c.id)))
      .returning();
  });
}

/** Identifies one attempt of a job by its worker: every write after the claim is fenced by it. */
export interface Lease {
  readonly jobId: string;
  readonly workerId: string;
  readonly attempt: number;
}

function heldBy(lease: Lease): SQL | undefined {
  return and(eq(jobs.id, lease.jobId), eq(jobs.status, 'running'), eq(jobs.lockedBy, lease.workerId), eq(jobs.attempts, lease.attempt));
}

/** Extends a lease; `false` when the worker no longer holds the job (its lease ran out and another took it). */
export async function renewLease(db: Executor, lease: Lease, until: Date, at: Date): Promise<boolean> {
  const rows = await db.update(jobs).set({ lockedUntil: until, updatedAt: at }).where(heldBy(lease)).returning({ id: jobs.id });
  return rows.length > 0;
}

export type Settlement =
  | { readonly status: 'succeeded'; readonly result: JsonObject | null }
  | { readonly status: 'skipped'; readonly result: JsonObject }
  | { readonly status: 'failed' | 'dead'; readonly error: string }
  /** Back to the queue: a retry after a failure (`error`), or a lease given back at shutdown (no error). */
  | { readonly status: 'queued'; readonly runAt: Date; readonly error: string | null; readonly refundAttempt: boolean };

/** Records the outcome of an attempt, if the worker still holds it; `false` otherwise (nothing written). */
export async function settleJob(db: Executor, lease: Lease, settlement: Settlement, at: Date): Promise<boolean> {
  const unlocked = { lockedBy: null, lockedUntil: null, updatedAt: at };
  const set = (() => {
    switch (settlement.status) {
      case 'succeeded':
      case 'skipped':
        return { ...unlocked, status: settlement.status, result: settlement.result, lastError: null, finishedAt: at };
      case 'failed':
      case 'dead':
        return { ...unlocked, status: settlement.status, lastError: settlement.error, finishedAt: at };
      case 'queued':
        return {
          ...unlocked,
          status: 'queued' as const,
          runAt: settlement.runAt,
          ...(settlement.error === null ? {} : { lastError: settlement.error }),
          ...(settlement.refundAttempt ? { attempts: sql`${jobs.attempts} - 1` } : {}),
        };
    }
  })();
  const rows = await db.update(jobs).set(set).where(heldBy(lease)).returning({ id: jobs.id });
  return rows.length > 0;
}

export async function getJob(db: Executor, params: { tenantId: string; jobId: string }): Promise<JobRow | undefined> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.tenantId, params.tenantId), eq(jobs.id, params.jobId)))
    .limit(1);
  return row;
}

/** The jobs of one call, oldest first. */
export async function listCallJobs(db: Executor, params: { tenantId: string; callId: string }): Promise<JobRow[]> {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.tenantId, params.tenantId), eq(jobs.callId, params.callId)))
    .orderBy(asc(jobs.createdAt), asc(jobs.id));
}

/** The tenant's jobs, newest first, optionally of one status and kind. */
export async function listJobs(
  db: Executor,
  params: { tenantId: string; status?: JobStatus | undefined; kind?: string | undefined; limit: number },
): Promise<JobRow[]> {
  const conditions: SQL[] = [eq(jobs.tenantId, params.tenantId)];
  if (params.status !== undefined) conditions.push(eq(jobs.status, params.status));
  if (params.kind !== undefined) conditions.push(eq(jobs.kind, params.kind));
  return db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(params.limit);
}

export type RetryError = { readonly kind: 'not_found' } | { readonly kind: 'not_retryable'; readonly status: JobStatus };

/** Puts a failed or dead job back in the queue with a fresh set of attempts; its last error stays until the next run. */
export async function requeueJob(db: Executor, params: { tenantId: string; jobId: string; at: Date }): Promise<Result<JobRow, RetryError>> {
  const [row] = await db
    .update(jobs)
    .set({ status: 'queued', attempts: 0, runAt: params.at, finishedAt: null, updatedAt: params.at })
    .where(and(eq(jobs.tenantId, params.tenantId), eq(jobs.id, params.jobId), inArray(jobs.status, ['failed', 'dead'])))
    .returning();
  if (row) return ok(row);
  const current = await getJob(db, params);
  return current ? err({ kind: 'not_retryable', status: current.status }) : err({ kind: 'not_found' });
}
