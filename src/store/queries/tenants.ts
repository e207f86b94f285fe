import { eq } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Executor } from '../database.ts';
import { tenants, type TenantRow } from '../schema/tenants.ts';

export async function createTenant(db: Executor, params: { name: string; slug: string }): Promise<TenantRow> {
  const [row] = await db.insert(tenants).values({ id: newId(), name: params.name, slug: params.slug }).returning();
  if (!row) throw new Error('insert into tenants returned no row');
  return row;
}

export async function getTenantBySlug(db: Executor, params: { slug: string }): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.slug, params.slug)).limit(1);
  return row;
}
