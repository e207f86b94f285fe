import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { refreshTokens, type RefreshTokenRow } from '../schema/refresh-tokens.ts';

export interface NewRefreshToken {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly familyId: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export async function insertRefreshToken(db: Executor, params: NewRefreshToken): Promise<void> {
  await db.insert(refreshTokens).values(params);
}

/**
 * The token with this hash, its row locked until the transaction ends, so two concurrent uses of one
 * token are serialised: the second sees the first's `used_at`. Lookup by hash precedes knowing the tenant.
 */
export async function lockRefreshTokenByHash(db: Executor, params: { tokenHash: string }): Promise<RefreshTokenRow | undefined> {
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, params.tokenHash)).limit(1).for('update');
  return row;
}

export async function findRefreshTokenByHash(db: Executor, params: { tokenHash: string }): Promise<RefreshTokenRow | undefined> {
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, params.tokenHash)).limit(1);
  return row;
}

export async function markRefreshTokenUsed(db: Executor, params: { id: string; at: Date; replacedBy: string }): Promise<void> {
  await db.update(refreshTokens).set({ usedAt: params.at, replacedBy: params.replacedBy }).where(eq(refreshTokens.id, params.id));
}

/** Revokes every live token of a family; returns how many were still live. */
export async function revokeRefreshFamily(db: Executor, params: { tenantId: string; familyId: string; at: Date }): Promise<number> {
  const rows = await db
    .update(refreshTokens)
    .set({ revokedAt: params.at })
    .where(and(eq(refreshTokens.tenantId, params.tenantId), eq(refreshTokens.familyId, params.familyId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return rows.length;
}

export async function revokeUserRefreshTokens(db: Executor, params: { tenantId: string; userId: string; at: Date }): Promise<number> {
  const rows = await db
    .update(refreshTokens)
    .set({ revokedAt: params.at })
    .where(and(eq(refreshTokens.tenantId, params.tenantId), eq(refreshTokens.userId, params.userId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return rows.length;
}

export async function listRefreshFamily(db: Executor, params: { tenantId: string; familyId: string }): Promise<RefreshTokenRow[]> {
  return db
    .select()
    .from(refreshTokens)
    .where(and(eq(refreshTokens.tenantId, params.tenantId), eq(refreshTokens.familyId, params.familyId)));
}
