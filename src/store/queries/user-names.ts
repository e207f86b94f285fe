import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { userNames, type UserNameRow } from '../schema/user-names.ts';

export async function getUserName(db: Executor, params: { tenantId: string; userId: string }): Promise<UserNameRow | undefined> {
  const [row] = await db
    .select()
    .from(userNames)
    .where(and(eq(userNames.tenantId, params.tenantId), eq(userNames.userId, params.userId)))
    .limit(1);
  return row;
}

export async function listUserNames(db: Executor, params: { tenantId: string; userIds: readonly string[] }): Promise<UserNameRow[]> {
  if (params.userIds.length === 0) return [];
  return db
    .select()
    .from(userNames)
    .where(and(eq(userNames.tenantId, params.tenantId), inArray(userNames.userId, [...params.userIds])));
}

export async function upsertUserName(db: Executor, params: { tenantId: string; userId: string; firstName: string; lastName: string }): Promise<UserNameRow> {
  const { firstName, lastName } = params;
  const [row] = await db
    .insert(userNames)
    .values(params)
    .onConflictDoUpdate({ target: userNames.userId, set: { firstName, lastName, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error('upsert into user_names returned no row');
  return row;
}
