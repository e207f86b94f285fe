import { and, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { calls } from '../schema/calls.ts';

export interface OpenCallsFilter {
  readonly tenantId: string;
  /** Calls created, started (or, never started, created) before this no longer count: records a crashed instance left open. */
  readonly liveSince: Date;
  /** Lower bound on `created_at`, so the count reads only recent index entries (not before `liveSince` minus the longest wait to join). */
  readonly createdSince: Date;
}

/** How many of the tenant's calls are in status created, active or ending, and recent enough to be real. */
export async function countOpenCalls(db: Executor, filter: OpenCallsFilter): Promise<number> {
  const [row] = await db
    .select({ open: count() })
    .from(calls)
    .where(
      and(
        eq(calls.tenantId, filter.tenantId),
        gt(calls.createdAt, filter.createdSince),
        inArray(calls.status, ['created', 'active', 'ending']),
        sql`coalesce(${calls.startedAt}, ${calls.createdAt}) > ${filter.liveSince.toISOString()}::timestamptz`,
      ),
    );
  return row?.open ?? 0;
}
