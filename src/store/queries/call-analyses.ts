import { and, eq } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Executor } from '../database.ts';
import { callAnalyses, type CallAnalysisRow } from '../schema/call-analyses.ts';
import { calls } from '../schema/calls.ts';

export type NewCallAnalysis = Omit<CallAnalysisRow, 'id' | 'createdAt' | 'updatedAt'>;

/** Stores a call's analysis, replacing the one a previous run stored (one row per call). */
export async function upsertCallAnalysis(db: Executor, analysis: NewCallAnalysis): Promise<CallAnalysisRow> {
  const { tenantId: _tenant, callId: _call, ...replaced } = analysis;
  const [row] = await db
    .insert(callAnalyses)
    .values({ id: newId(), ...analysis, createdAt: analysis.analyzedAt, updatedAt: analysis.analyzedAt })
    .onConflictDoUpdate({
      target: callAnalyses.callId,
      set: { ...replaced, updatedAt: analysis.analyzedAt },
      setWhere: eq(callAnalyses.tenantId, analysis.tenantId),
    })
    .returning();
  if (!row) throw new Error('upsert into call_analyses returned no row');
  return row;
}

export async function getCallAnalysis(db: Executor, params: { tenantId: string; callId: string }): Promise<CallAnalysisRow | undefined> {
  const [row] = await db
    .select()
    .from(callAnalyses)
    .where(and(eq(callAnalyses.tenantId, params.tenantId), eq(callAnalyses.callId, params.callId)))
    .limit(1);
  return row;
}

/**
 * Locks the call's row until the transaction ends, so two re-run requests for one call are serialised
 * (the second sees the first's queued job) instead of both enqueueing.
 */
export async function lockCallForAnalysis(db: Executor, params: { tenantId: string; callId: string }): Promise<boolean> {
  const rows = await db
    .select({ id: calls.id })
    .from(calls)
    .where(and(eq(calls.tenantId, params.tenantId), eq(calls.id, params.callId)))
    .limit(1)
    .for('update');
  return rows.length > 0;
}
