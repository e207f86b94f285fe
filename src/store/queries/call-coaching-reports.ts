import { and, eq } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { callCoachingReports, type CallCoachingReportRow } from '../schema/call-coaching-reports.ts';

export type NewCallCoachingReport = Omit<CallCoachingReportRow, 'createdAt'> & { readonly at: Date };

/** Stores a call's coaching report; storing it again (a retried end) replaces it. */
export async function upsertCallCoachingReport(db: Executor, r: NewCallCoachingReport): Promise<void> {
  const { at, ...values } = r;
  await db
    .insert(callCoachingReports)
    .values({ ...values, createdAt: at })
    .onConflictDoUpdate({ target: callCoachingReports.callId, set: { language: r.language, analysis: r.analysis, snapshot: r.snapshot, coaching: r.coaching, createdAt: at } });
}

export async function getCallCoachingReport(db: Executor, params: { tenantId: string; callId: string }): Promise<CallCoachingReportRow | undefined> {
  const [row] = await db
    .select()
    .from(callCoachingReports)
    .where(and(eq(callCoachingReports.tenantId, params.tenantId), eq(callCoachingReports.callId, params.callId)));
  return row;
}
