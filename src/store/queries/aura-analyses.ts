import { and, asc, eq } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Scores, SpeechSnapshot } from '../../coaching/types.ts';
import type { Executor } from '../database.ts';
import { auraAnalyses, type AuraAnalysisRow, type AuraAnalysisSource } from '../schema/aura-analyses.ts';

export async function insertAuraAnalysis(
  db: Executor,
  a: { tenantId: string; sessionId: string; seq: number; source: AuraAnalysisSource; startMs: number; snapshot: SpeechSnapshot; scores: Scores; at: Date },
): Promise<AuraAnalysisRow> {
  const [row] = await db
    .insert(auraAnalyses)
    .values({ id: newId(), tenantId: a.tenantId, sessionId: a.sessionId, seq: a.seq, source: a.source, startMs: a.startMs, durationMs: Math.round(a.snapshot.durationMs), snapshot: a.snapshot, scores: a.scores, createdAt: a.at })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listAuraAnalyses(db: Executor, params: { tenantId: string; sessionId: string }): Promise<AuraAnalysisRow[]> {
  return db
    .select()
    .from(auraAnalyses)
    .where(and(eq(auraAnalyses.tenantId, params.tenantId), eq(auraAnalyses.sessionId, params.sessionId)))
    .orderBy(asc(auraAnalyses.seq));
}
