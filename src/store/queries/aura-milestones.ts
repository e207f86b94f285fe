import { and, asc, eq } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Milestone } from '../../coaching/progress.ts';
import type { Executor } from '../database.ts';
import { auraMilestones, type AuraMilestoneRow } from '../schema/aura-milestones.ts';

/** Stores the milestones not stored yet and returns those (each key is achieved once per user). */
export async function storeNewMilestones(db: Executor, params: { tenantId: string; userId: string; milestones: readonly Milestone[] }): Promise<AuraMilestoneRow[]> {
  if (params.milestones.length === 0) return [];
  return db
    .insert(auraMilestones)
    .values(
      params.milestones.map((m) => ({
        id: newId(),
        tenantId: params.tenantId,
        userId: params.userId,
        sessionId: m.sessionId,
        kind: m.kind,
        key: m.key,
        data: { ...m.data },
        achievedAt: new Date(m.atMs),
      })),
    )
    .onConflictDoNothing()
    .returning();
}

export async function listMilestones(db: Executor, params: { tenantId: string; userId: string }): Promise<AuraMilestoneRow[]> {
  return db
    .select()
    .from(auraMilestones)
    .where(and(eq(auraMilestones.tenantId, params.tenantId), eq(auraMilestones.userId, params.userId)))
    .orderBy(asc(auraMilestones.achievedAt));
}
