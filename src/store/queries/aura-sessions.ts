import { and, asc, count, desc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Scores, SpeechSnapshot } from '../../coaching/types.ts';
import type { Executor } from '../database.ts';
import { auraSessions, type AuraSessionConfig, type AuraSessionRow, type AuraSessionState, type AuraSessionStatus, type AuraSessionType } from '../schema/aura-sessions.ts';

/** Who may see a session: its tenant, and its user unless the reader is a tenant admin (`userId` null). */
export interface SessionScope {
  readonly tenantId: string;
  readonly userId: string | null;
}

function scoped(scope: SessionScope, sessionId: string): SQL | undefined {
  return and(eq(auraSessions.tenantId, scope.tenantId), eq(auraSessions.id, sessionId), scope.userId === null ? undefined : eq(auraSessions.userId, scope.userId));
}

export interface NewAuraSession {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly sessionType: AuraSessionType;
  readonly language: 'fr' | 'en';
  readonly config: AuraSessionConfig;
  readonly tags: readonly string[];
  readonly at: Date;
}

export async function insertAuraSession(db: Executor, s: NewAuraSession): Promise<AuraSessionRow> {
  const [row] = await db
    .insert(auraSessions)
    .values({
      id: s.id,
      tenantId: s.tenantId,
      userId: s.userId,
      title: s.title,
      description: s.description,
      sessionType: s.sessionType,
      language: s.language,
      config: s.config,
      state: { chunks: 0, analysedMs: 0, speechMs: 0 },
      tags: [...s.tags],
      expiresAt: new Date(s.at.getTime() + s.config.maxDurationS * 1000),
      createdAt: s.at,
      updatedAt: s.at,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function getAuraSession(db: Executor, scope: SessionScope, sessionId: string, options: { forUpdate?: boolean } = {}): Promise<AuraSessionRow | undefined> {
  const query = db.select().from(auraSessions).where(scoped(scope, sessionId));
  const [row] = options.forUpdate === true ? await query.for('update') : await query;
  return row;
}

export async function listAuraSessions(
  db: Executor,
  scope: SessionScope & { readonly status?: AuraSessionStatus | undefined; readonly limit: number; readonly offset: number },
): Promise<{ rows: AuraSessionRow[]; total: number }> {
  const where = and(
    eq(auraSessions.tenantId, scope.tenantId),
    scope.userId === null ? undefined : eq(auraSessions.userId, scope.userId),
    scope.status === undefined ? undefined : eq(auraSessions.status, scope.status),
  );
  const rows = await db.select().from(auraSessions).where(where).orderBy(desc(auraSessions.createdAt), desc(auraSessions.id)).limit(scope.limit).offset(scope.offset);
  const [total] = await db.select({ n: count() }).from(auraSessions).where(where);
  return { rows, total: total?.n ?? 0 };
}

export type AuraSessionPatch = Partial<
  Pick<AuraSessionRow, 'title' | 'description' | 'sessionType' | 'language' | 'status' | 'config' | 'tags' | 'startedAt' | 'endedAt' | 'expiresAt'>
>;

export async function updateAuraSession(db: Executor, scope: SessionScope, sessionId: string, patch: AuraSessionPatch, at: Date): Promise<AuraSessionRow | undefined> {
  const [row] = await db
    .update(auraSessions)
    .set({ ...patch, updatedAt: at })
    .where(scoped(scope, sessionId))
    .returning();
  return row;
}

export async function saveSessionMeasurements(
  db: Executor,
  params: { tenantId: string; sessionId: string; state: AuraSessionState; snapshot: SpeechSnapshot; scores: Scores; at: Date },
): Promise<void> {
  await db
    .update(auraSessions)
    .set({ state: params.state, snapshot: params.snapshot, scores: params.scores, overallScore: params.scores.overall, updatedAt: params.at })
    .where(and(eq(auraSessions.tenantId, params.tenantId), eq(auraSessions.id, params.sessionId)));
}

export async function deleteAuraSession(db: Executor, scope: SessionScope, sessionId: string): Promise<boolean> {
  const rows = await db.delete(auraSessions).where(scoped(scope, sessionId)).returning({ id: auraSessions.id });
  return rows.length > 0;
}

/** A user's sessions with measurements, oldest first: what progress and milestones are computed from. */
export async function listMeasuredSessions(db: Executor, params: { tenantId: string; userId: string }): Promise<AuraSessionRow[]> {
  return db
    .select()
    .from(auraSessions)
    .where(and(eq(auraSessions.tenantId, params.tenantId), eq(auraSessions.userId, params.userId), isNotNull(auraSessions.snapshot)))
    .orderBy(asc(sql`coalesce(${auraSessions.startedAt}, ${auraSessions.createdAt})`), asc(auraSessions.id));
}
