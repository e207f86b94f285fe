import { eq } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { companyProfiles, type CompanyProfileRow } from '../schema/company-profiles.ts';
import { tenants, type TenantRow } from '../schema/tenants.ts';

/** The columns of a profile a write may set; an absent key is left as it is. */
export type CompanyProfileChanges = Partial<Omit<CompanyProfileRow, 'tenantId' | 'createdAt' | 'updatedAt'>>;

export async function getCompanyProfile(db: Executor, params: { tenantId: string }): Promise<CompanyProfileRow | undefined> {
  const [row] = await db.select().from(companyProfiles).where(eq(companyProfiles.tenantId, params.tenantId)).limit(1);
  return row;
}

/** Creates the tenant's profile on its first write, or changes the given columns of the existing one. */
export async function upsertCompanyProfile(db: Executor, params: { tenantId: string; changes: CompanyProfileChanges }): Promise<CompanyProfileRow> {
  const now = new Date();
  const [row] = await db
    .insert(companyProfiles)
    .values({ tenantId: params.tenantId, ...params.changes })
    .onConflictDoUpdate({ target: companyProfiles.tenantId, set: { ...params.changes, updatedAt: now } })
    .returning();
  if (!row) throw new Error('upsert into company_profiles returned no row');
  return row;
}

/** Renames the tenant (a company's name is its tenant's name). */
export async function renameTenant(db: Executor, params: { tenantId: string; name: string }): Promise<TenantRow | undefined> {
  const [row] = await db.update(tenants).set({ name: params.name, updatedAt: new Date() }).where(eq(tenants.id, params.tenantId)).returning();
  return row;
}

/** Deletes the tenant and, by cascade, everything it owns. */
export async function deleteTenant(db: Executor, params: { tenantId: string }): Promise<boolean> {
  const rows = await db.delete(tenants).where(eq(tenants.id, params.tenantId)).returning({ id: tenants.id });
  return rows.length > 0;
}
