import { index, integer, jsonb, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { instant, lifecycleColumns } from './columns.ts';
import { calls } from './calls.ts';
import { tenants } from './tenants.ts';

/**
 * queued → running → succeeded | skipped | failed | dead, and back to queued for a retry.
 * `failed`: the handler said retrying cannot help; `dead`: every attempt failed.
 */
export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'dead', 'skipped'] as const;
export const jobStatus = pgEnum('job_status', jobStatuses);

/** Any JSON value a job carries in or out. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * The durable job queue (`src/jobs/`). A worker claims due rows with `FOR UPDATE SKIP LOCKED` and holds
 * them by a lease (`locked_by`, `locked_until`); a lease that runs out (the process died) lets any worker
 * claim the job again. `idempotency_key` is unique per tenant: enqueueing the same key twice is one job.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    callId: uuid('call_id').references(() => calls.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<JsonObject>().notNull().default({}),
    status: jobStatus('status').notNull().default('queued'),
    /** Attempts started so far, the one running included. */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** Not claimed before this instant (the backoff of a retry). */
    runAt: instant('run_at').notNull(),
    lockedBy: text('locked_by'),
    lockedUntil: instant('locked_until'),
    lastError: text('last_error'),
    result: jsonb('result').$type<JsonObject>(),
    idempotencyKey: text('idempotency_key'),
    ...lifecycleColumns,
    finishedAt: instant('finished_at'),
  },
  (t) => [
    unique('jobs_tenant_idempotency_key').on(t.tenantId, t.idempotencyKey),
    index('jobs_status_run_at_idx').on(t.status, t.runAt),
    index('jobs_call_idx').on(t.callId, t.createdAt),
    index('jobs_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export type JobRow = typeof jobs.$inferSelect;
export type JobStatus = (typeof jobStatuses)[number];
