import { and, asc, count, eq, isNotNull, sql } from 'drizzle-orm';
import { isUuid, newId } from '../../core/ids.ts';
import type { Executor } from '../database.ts';
import { users, type UserRole, type UserRow } from '../schema/users.ts';

export interface NewUser {
  readonly tenantId: string;
  readonly role: UserRole;
  readonly externalId?: string | null;
  /** Must already be normalised (trimmed, lower case). */
  readonly email?: string | null;
  readonly displayName?: string | null;
  readonly passwordHash?: string | null;
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
      passwordHash: params.passwordHash ?? null,
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

/** Only by external id: an identity provider's `sub` must never be taken for one of our user ids. */
export async function findUserByExternalId(db: Executor, params: { tenantId: string; externalId: string }): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, params.tenantId), eq(users.externalId, params.externalId)))
    .limit(1);
  return row;
}

/**
 * Returns the tenant's user with this external id, creating it as a member when it does not exist
 * yet. An email another user of the tenant already has is left out rather than failing.
 */
export async function ensureExternalUser(
  db: Executor,
  params: { tenantId: string; externalId: string; email?: string | null; displayName?: string | null },
): Promise<UserRow> {
  const existing = await findUserByExternalId(db, params);
  if (existing) return existing;
  for (const email of params.email ? [params.email, null] : [null]) {
    await db
      .insert(users)
      .values({
        id: newId(),
        tenantId: params.tenantId,
        role: 'member',
        externalId: params.externalId,
        email,
        displayName: params.displayName ?? null,
      })
      .onConflictDoNothing();
    const row = await findUserByExternalId(db, params);
    if (row) return row;
  }
  throw new Error('user vanished after upsert');
}

/** The account an email logs in to: login needs no tenant, so this lookup alone is not tenant-scoped. */
export async function findLoginUserByEmail(db: Executor, params: { email: string }): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.email, params.email), isNotNull(users.passwordHash)))
    .limit(1);
  return row;
}

/** Whether an email is in use, by a login account anywhere or by any user of the tenant. */
export async function isEmailTaken(db: Executor, params: { tenantId: string; email: string; exceptUserId?: string }): Promise<boolean> {
  const rows = await db
    .select({ id: users.id, tenantId: users.tenantId, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, params.email));
  return rows.some((r) => r.id !== params.exceptUserId && (r.tenantId === params.tenantId || r.passwordHash !== null));
}

export async function listUsers(db: Executor, params: { tenantId: string }): Promise<UserRow[]> {
  return db.select().from(users).where(eq(users.tenantId, params.tenantId)).orderBy(asc(users.createdAt), asc(users.id));
}

export async function countUsers(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function countAdmins(db: Executor, params: { tenantId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.tenantId, params.tenantId), eq(users.role, 'admin')));
  return row?.n ?? 0;
}

export interface UserChanges {
  readonly role?: UserRole;
  readonly email?: string | null;
  readonly displayName?: string | null;
  readonly passwordHash?: string;
  /** Refuses every access token issued before. */
  readonly bumpSessionVersion?: boolean;
}

export async function updateUser(db: Executor, params: { tenantId: string; userId: string; changes: UserChanges }): Promise<UserRow | undefined> {
  const { bumpSessionVersion, ...changes } = params.changes;
  const [row] = await db
    .update(users)
    .set({
      ...changes,
      ...(bumpSessionVersion === true ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(users.tenantId, params.tenantId), eq(users.id, params.userId)))
    .returning();
  return row;
}

export async function deleteUser(db: Executor, params: { tenantId: string; userId: string }): Promise<boolean> {
  const rows = await db
    .delete(users)
    .where(and(eq(users.tenantId, params.tenantId), eq(users.id, params.userId)))
    .returning({ id: users.id });
  return rows.length > 0;
}
