import { and, count, desc, eq } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { CoachingResult } from '../../coaching/types.ts';
import type { Executor } from '../database.ts';
import { auraFeedback, type AuraFeedbackKind, type AuraFeedbackRow } from '../schema/aura-feedback.ts';

export async function insertAuraFeedback(
  db: Executor,
  f: { tenantId: string; sessionId: string; kind: AuraFeedbackKind; result: CoachingResult; atMs: number; at: Date },
): Promise<AuraFeedbackRow> {
  const [row] = await db
    .insert(auraFeedback)
    .values({
      id: newId(),
      tenantId: f.tenantId,
      sessionId: f.sessionId,
      kind: f.kind,
      source: f.result.source,
      fallbackReason: f.result.fallbackReason,
      overallScore: f.result.scores.overall,
      atMs: Math.round(f.atMs),
      result: f.result,
      createdAt: f.at,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listAuraFeedback(
  db: Executor,
  params: { tenantId: string; sessionId: string; kind?: AuraFeedbackKind | undefined; limit: number; offset: number },
): Promise<{ rows: AuraFeedbackRow[]; total: number }> {
  const where = and(eq(auraFeedback.tenantId, params.tenantId), eq(auraFeedback.sessionId, params.sessionId), params.kind === undefined ? undefined : eq(auraFeedback.kind, params.kind));
  const rows = await db.select().from(auraFeedback).where(where).orderBy(desc(auraFeedback.createdAt), desc(auraFeedback.id)).limit(params.limit).offset(params.offset);
  const [total] = await db.select({ n: count() }).from(auraFeedback).where(where);
  return { rows, total: total?.n ?? 0 };
}
