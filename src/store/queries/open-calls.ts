import { and, count, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { calls } from '../schema/calls.ts';

export interface OpenCallsFilter {
  readonly tenantId: string;
  /** Only this user's calls (the per-member cap); unset counts the whole tenant. */
  readonly userId?: string | undefined;
  /** Calls created, started (or, never started, created) before this no longer count: records a crashed instance left open. */
  readonly liveSince: Date;
  /** Lower bound on `created_at`, so the count reads only recent index entries (not before `liveSince` minus the longest wait to join). */
  readonly createdSince: Date;
  /**
   * A call still `created` (never joined) counts only if it was created after this: the join window.
   * Unset, such calls count like started ones (until `liveSince`).
   */
  readonly joinSince?: Date | undefined;
}

/** How many of the tenant's (or user's) calls are in status created, active or ending, and recent enough to be real. */
export async function countOpenCalls(db: Executor, filter: OpenCallsFilter): Promise<number> {
  const live = sql`coalesce(${calls.startedAt}, ${calls.createdAt}) > ${filter.liveSince.toISOString()}::timestamptz`;
  const status =
    filter.joinSince === undefined
      ? inArray(calls.status, ['created', 'active', 'ending'])
      : or(inArray(calls.status, ['active', 'ending']), and(eq(calls.status, 'created'), gt(calls.createdAt, filter.joinSince)));
  const [row] = await db
    .select({ open: count() })
    .from(calls)
    .where(
      and(
        eq(calls.tenantId, filter.tenantId),
        filter.userId === undefined ? undefined : eq(calls.userId, filter.userId),
        gt(calls.createdAt, filter.createdSince),
        status,
        live,
      ),
    );
  return row?.open ?? 0;
}

/**
 * Ids of the tenant's calls still `created` although created before `createdBefore` (never joined
 * within the join window), oldest first, at most `limit`: the ones to mark `expired`.
 */
export async function listUnjoinedCalls(db: Executor, params: { tenantId: string; createdBefore: Date; createdSince: Date; limit: number }): Promise<string[]> {
  const rows = await db
    .select({ id: calls.id })
    .from(calls)
    .where(
      and(
        eq(calls.tenantId, params.tenantId),
        eq(calls.status, 'created'),
        lt(calls.createdAt, params.createdBefore),
        gt(calls.createdAt, params.createdSince),
      ),
    )
    .orderBy(calls.createdAt)
    .limit(params.limit);
  return rows.map((row) => row.id);
}
