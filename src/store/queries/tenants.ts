import { asc, eq } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Executor } from '../database.ts';
import { tenants, type TenantRow } from '../schema/tenants.ts';

export async function createTenant(db: Executor, params: { name: string; slug: string }): Promise<TenantRow> {
  const [row] = await db.insert(tenants).values({ id: newId(), name: params.name, slug: params.slug }).returning();
  if (!row) throw new Error('insert into tenants returned no row');
  return row;
}

/** Creates the tenant unless the slug is taken; `undefined` when it is. */
export async function createTenantIfSlugFree(db: Executor, params: { name: string; slug: string }): Promise<TenantRow | undefined> {
  const [row] = await db
    .insert(tenants)
    .values({ id: newId(), name: params.name, slug: params.slug })
    .onConflictDoNothing({ target: tenants.slug })
    .returning();
  return row;
}

export async function getTenant(db: Executor, params: { tenantId: string }): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, params.tenantId)).limit(1);
  return row;
}

export async function getTenantBySlug(db: Executor, params: { slug: string }): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.slug, params.slug)).limit(1);
  return row;
}

export async function listTenants(db: Executor): Promise<TenantRow[]> {
  return db.select().from(tenants).orderBy(asc(tenants.createdAt), asc(tenants.id));
}

/** Locks the tenant row until the transaction ends: serialises changes that check tenant-wide invariants (the last admin). */
export async function lockTenant(db: Executor, params: { tenantId: string }): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, params.tenantId)).limit(1).for('update');
  return row;
}
