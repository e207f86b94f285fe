import { and, eq } from 'drizzle-orm';
import { isUuid, newId } from '../../core/ids.ts';
import type { Executor } from '../database.ts';
import { users, type UserRole, type UserRow } from '../schema/users.ts';

export interface NewUser {
  readonly tenantId: string;
  readonly role: UserRole;
  readonly externalId?: string | null;
  readonly email?: string | null;
  readonly displayName?: string | null;
}

export async function createUser(db: Executor, params: NewUser): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({
      id: newId(),
      tenantId: params.tenantId,
      role: params.role,
      externalId: params.externalId ?? null,
      email: params.email ?? null,
      displayName: params.displayName ?? null,
    })
    .returning();
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

export async function getUser(db: Executor, params: { tenantId: string; userId: string }): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, params.tenantId), eq(users.id, params.userId)))
    .limit(1);
  return row;
}

/**
 * Finds a tenant's user by the reference a client sent: the user's UUID or the tenant application's
 * own id for that person (`externalId`).
 */
export async function findUserByRef(db: Executor, params: { tenantId: string; ref: string }): Promise<UserRow | undefined> {
  if (isUuid(params.ref)) {
    const byId = await getUser(db, { tenantId: params.tenantId, userId: params.ref });
    if (byId) return byId;
  }
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, params.tenantId), eq(users.externalId, params.ref)))
    .limit(1);
  return row;
}

/** Returns the tenant's user with this external id, creating it as a member when it does not exist yet. */
export async function ensureExternalUser(db: Executor, params: { tenantId: string; externalId: string }): Promise<UserRow> {
  await db
    .insert(users)
    .values({ id: newId(), tenantId: params.tenantId, role: 'member', externalId: params.externalId })
    .onConflictDoNothing({ target: [users.tenantId, users.externalId] });
  const row = await findUserByRef(db, { tenantId: params.tenantId, ref: params.externalId });
  if (!row) throw new Error('user vanished after upsert');
  return row;
}
