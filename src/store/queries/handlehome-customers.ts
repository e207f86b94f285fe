import { and, asc, count, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { handlehomeCustomers, type HandlehomeCustomerRow } from '../schema/handlehome-customers.ts';

export interface CustomerFields {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: string | null;
  readonly companyName: string | null;
}

/** `%term%` for ILIKE with the term's own `%`, `_` and `\` taken literally (no pattern injection). */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function insertCustomer(db: Executor, params: { id: string; tenantId: string; fields: CustomerFields; at: Date }): Promise<HandlehomeCustomerRow> {
  const [row] = await db
    .insert(handlehomeCustomers)
    .values({ id: params.id, tenantId: params.tenantId, ...params.fields, createdAt: params.at, updatedAt: params.at })
    .returning();
  if (!row) throw new Error('insert into handlehome_customers returned no row');
  return row;
}

/**
 * The tenant's customer with this (normalised) phone, created if there is none. Names only fill
 * blanks: what an operator already recorded is never overwritten by what a model heard.
 */
export async function upsertCustomerByPhone(
  db: Executor,
  params: { id: string; tenantId: string; phone: string; firstName: string | null; lastName: string | null; at: Date },
): Promise<HandlehomeCustomerRow> {
  const t = handlehomeCustomers;
  const [row] = await db
    .insert(t)
    .values({ id: params.id, tenantId: params.tenantId, phone: params.phone, firstName: params.firstName, lastName: params.lastName, createdAt: params.at, updatedAt: params.at })
    .onConflictDoUpdate({
      target: [t.tenantId, t.phone],
      set: {
        firstName: sql`coalesce(${t.firstName}, excluded.first_name)`,
        lastName: sql`coalesce(${t.lastName}, excluded.last_name)`,
        updatedAt: params.at,
      },
    })
    .returning();
  if (!row) throw new Error('upsert into handlehome_customers returned no row');
  return row;
}

export async function getCustomer(db: Executor, params: { tenantId: string; customerId: string }): Promise<HandlehomeCustomerRow | undefined> {
  const [row] = await db
    .select()
    .from(handlehomeCustomers)
    .where(and(eq(handlehomeCustomers.tenantId, params.tenantId), eq(handlehomeCustomers.id, params.customerId)))
    .limit(1);
  return row;
}

export async function getCustomersByIds(db: Executor, params: { tenantId: string; ids: readonly string[] }): Promise<HandlehomeCustomerRow[]> {
  if (params.ids.length === 0) return [];
  return db
    .select()
    .from(handlehomeCustomers)
    .where(and(eq(handlehomeCustomers.tenantId, params.tenantId), inArray(handlehomeCustomers.id, [...params.ids])));
}

export async function getCustomerByPhone(db: Executor, params: { tenantId: string; phone: string }): Promise<HandlehomeCustomerRow | undefined> {
  const [row] = await db
    .select()
    .from(handlehomeCustomers)
    .where(and(eq(handlehomeCustomers.tenantId, params.tenantId), eq(handlehomeCustomers.phone, params.phone)))
    .limit(1);
  return row;
}

function customerMatch(tenantId: string, term: string | undefined): SQL | undefined {
  if (term === undefined) return eq(handlehomeCustomers.tenantId, tenantId);
  const t = handlehomeCustomers;
  const pattern = containsPattern(term);
  return and(eq(t.tenantId, tenantId), or(ilike(t.firstName, pattern), ilike(t.lastName, pattern), ilike(t.email, pattern), ilike(t.companyName, pattern), ilike(t.phone, pattern)));
}

/** By last then first name; `term` matches names, email, company or phone (substring, case-insensitive). */
export async function listCustomers(
  db: Executor,
  params: { tenantId: string; term?: string | undefined; offset: number; limit: number },
): Promise<{ rows: HandlehomeCustomerRow[]; total: number }> {
  const where = customerMatch(params.tenantId, params.term);
  const t = handlehomeCustomers;
  const rows = await db
    .select()
    .from(t)
    .where(where)
    .orderBy(sql`${t.lastName} asc nulls last`, sql`${t.firstName} asc nulls last`, asc(t.id))
    .offset(params.offset)
    .limit(params.limit);
  const [total] = await db.select({ n: count() }).from(t).where(where);
  return { rows, total: total?.n ?? 0 };
}

export async function updateCustomer(
  db: Executor,
  params: { tenantId: string; customerId: string; changes: Partial<CustomerFields>; at: Date },
): Promise<HandlehomeCustomerRow | undefined> {
  const [row] = await db
    .update(handlehomeCustomers)
    .set({ ...params.changes, updatedAt: params.at })
    .where(and(eq(handlehomeCustomers.tenantId, params.tenantId), eq(handlehomeCustomers.id, params.customerId)))
    .returning();
  return row;
}

export async function deleteCustomer(db: Executor, params: { tenantId: string; customerId: string }): Promise<boolean> {
  const rows = await db
    .delete(handlehomeCustomers)
    .where(and(eq(handlehomeCustomers.tenantId, params.tenantId), eq(handlehomeCustomers.id, params.customerId)))
    .returning({ id: handlehomeCustomers.id });
  return rows.length > 0;
}
