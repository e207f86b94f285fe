import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Scope } from '../../core/principal.ts';
import type { Executor } from '../database.ts';
import { apiKeys, type ApiKeyRow } from '../schema/api-keys.ts';

export interface NewApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly secretHash: string;
  readonly createdByUserId: string | null;
  readonly createdAt: Date;
}

/** Inserts the key; `undefined` when its id is already taken (the caller draws another). */
export async function insertApiKey(db: Executor, params: NewApiKey): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .insert(apiKeys)
    .values({ ...params, scopes: [...params.scopes] })
    .onConflictDoNothing({ target: apiKeys.id })
    .returning();
  return row;
}

/** The key with this public id, for authentication: the tenant is what the key tells us. */
export async function findApiKeyById(db: Executor, params: { id: string }): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, params.id)).limit(1);
  return row;
}

export async function listApiKeys(db: Executor, params: { tenantId: string }): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, params.tenantId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function revokeApiKey(db: Executor, params: { tenantId: string; id: string; at: Date }): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: params.at })
    .where(and(eq(apiKeys.tenantId, params.tenantId), eq(apiKeys.id, params.id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export async function touchApiKey(db: Executor, params: { tenantId: string; id: string; at: Date }): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: params.at }).where(and(eq(apiKeys.tenantId, params.tenantId), eq(apiKeys.id, params.id)));
}
