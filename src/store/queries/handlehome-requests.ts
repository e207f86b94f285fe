import { and, count, desc, eq, gte, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { handlehomeCustomers, type HandlehomeCustomerRow } from '../schema/handlehome-customers.ts';
import { handlehomeRequests, type HandlehomeRequestRow } from '../schema/handlehome-requests.ts';
import { containsPattern } from './handlehome-customers.ts';

export interface RequestFields {
  readonly customerId: string | null;
  readonly callerFirstName: string | null;
  readonly callerLastName: string | null;
  readonly callerPhone: string | null;
  readonly requestType: string;
  readonly services: string | null;
  readonly description: string;
}

/** A call record with its customer (null when it has none). */
export interface RequestWithCustomer {
  readonly request: HandlehomeRequestRow;
  readonly customer: HandlehomeCustomerRow | null;
}

export async function insertRequest(
  db: Executor,
  params: { id: string; tenantId: string; callId: string | null; fields: RequestFields; status: string; occurredAt: Date; at: Date },
): Promise<HandlehomeRequestRow> {
  const [row] = await db
    .insert(handlehomeRequests)
    .values({ id: params.id, tenantId: params.tenantId, callId: params.callId, ...params.fields, status: params.status, occurredAt: params.occurredAt, createdAt: params.at, updatedAt: params.at })
    .returning();
  if (!row) throw new Error('insert into handlehome_requests returned no row');
  return row;
}

/**
 * The call's record, created or brought up to date with a new extraction. The status is the
 * operator's: a re-run never resets it.
 */
export async function upsertRequestForCall(
  db: Executor,
  params: { id: string; tenantId: string; callId: string; fields: RequestFields; occurredAt: Date; at: Date },
): Promise<HandlehomeRequestRow> {
  const t = handlehomeRequests;
  const [row] = await db
    .insert(t)
    .values({ id: params.id, tenantId: params.tenantId, callId: params.callId, ...params.fields, status: 'nouveau', occurredAt: params.occurredAt, createdAt: params.at, updatedAt: params.at })
    .onConflictDoUpdate({ target: [t.tenantId, t.callId], set: { ...params.fields, updatedAt: params.at } })
    .returning();
  if (!row) throw new Error('upsert into handlehome_requests returned no row');
  return row;
}

export async function getRequestByCall(db: Executor, params: { tenantId: string; callId: string }): Promise<HandlehomeRequestRow | undefined> {
  const [row] = await db
    .select()
    .from(handlehomeRequests)
    .where(and(eq(handlehomeRequests.tenantId, params.tenantId), eq(handlehomeRequests.callId, params.callId)))
    .limit(1);
  return row;
}

export async function getRequest(db: Executor, params: { tenantId: string; requestId: string; forUpdate?: boolean }): Promise<RequestWithCustomer | undefined> {
  const query = db
    .select({ request: handlehomeRequests, customer: handlehomeCustomers })
    .from(handlehomeRequests)
    .leftJoin(handlehomeCustomers, eq(handlehomeCustomers.id, handlehomeRequests.customerId))
    .where(and(eq(handlehomeRequests.tenantId, params.tenantId), eq(handlehomeRequests.id, params.requestId)))
    .limit(1);
  const [row] = params.forUpdate === true ? await query.for('update', { of: handlehomeRequests }) : await query;
  return row;
}

export interface RequestFilter {
  readonly tenantId: string;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly status?: string | undefined;
  readonly customerId?: string | undefined;
  /** Substring of the customer's or the caller's first or last name. */
  readonly name?: string | undefined;
  /** Substring of the customer's or the caller's phone. */
  readonly phone?: string | undefined;
  /** Substring of the name, phone, request type, services or description. */
  readonly term?: string | undefined;
}

function requestConditions(filter: RequestFilter): SQL | undefined {
  const r = handlehomeRequests;
  const c = handlehomeCustomers;
  const conditions: (SQL | undefined)[] = [eq(r.tenantId, filter.tenantId)];
  if (filter.from !== undefined) conditions.push(gte(r.occurredAt, filter.from));
  if (filter.to !== undefined) conditions.push(lt(r.occurredAt, filter.to));
  if (filter.status !== undefined) conditions.push(eq(r.status, filter.status));
  if (filter.customerId !== undefined) conditions.push(eq(r.customerId, filter.customerId));
  if (filter.name !== undefined) {
    const p = containsPattern(filter.name);
    conditions.push(or(ilike(c.lastName, p), ilike(c.firstName, p), ilike(r.callerLastName, p), ilike(r.callerFirstName, p)));
  }
  if (filter.phone !== undefined) {
    const p = containsPattern(filter.phone);
    conditions.push(or(ilike(c.phone, p), ilike(r.callerPhone, p)));
  }
  if (filter.term !== undefined) {
    const p = containsPattern(filter.term);
    conditions.push(
      or(ilike(c.lastName, p), ilike(c.firstName, p), ilike(c.phone, p), ilike(r.callerLastName, p), ilike(r.callerFirstName, p), ilike(r.callerPhone, p), ilike(r.requestType, p), ilike(r.services, p), ilike(r.description, p)),
    );
  }
  return and(...conditions);
}

/** Newest first, with their customers. */
export async function listRequests(db: Executor, filter: RequestFilter & { offset: number; limit: number }): Promise<{ rows: RequestWithCustomer[]; total: number }> {
  const where = requestConditions(filter);
  const rows = await db
    .select({ request: handlehomeRequests, customer: handlehomeCustomers })
    .from(handlehomeRequests)
    .leftJoin(handlehomeCustomers, eq(handlehomeCustomers.id, handlehomeRequests.customerId))
    .where(where)
    .orderBy(desc(handlehomeRequests.occurredAt), desc(handlehomeRequests.id))
    .offset(filter.offset)
    .limit(filter.limit);
  const [total] = await db
    .select({ n: count() })
    .from(handlehomeRequests)
    .leftJoin(handlehomeCustomers, eq(handlehomeCustomers.id, handlehomeRequests.customerId))
    .where(where);
  return { rows, total: total?.n ?? 0 };
}

/** How many records per local day (in `timeZone`) and status, newest day first. */
export async function countRequestsByDay(db: Executor, params: { tenantId: string; timeZone: string }): Promise<{ date: string; status: string; count: number }[]> {
  const r = handlehomeRequests;
  const day = sql<string>`to_char(${r.occurredAt} at time zone ${params.timeZone}, 'YYYY-MM-DD')`;
  return db
    .select({ date: day, status: r.status, count: count() })
    .from(r)
    .where(eq(r.tenantId, params.tenantId))
    // By position: the day expression's time zone is a bound parameter, and two placeholders do not group as one expression.
    .groupBy(sql`1`, sql`2`)
    .orderBy(sql`1 desc`, sql`2`);
}

export async function updateRequest(
  db: Executor,
  params: { tenantId: string; requestId: string; changes: Partial<RequestFields> & { status?: string }; at: Date },
): Promise<HandlehomeRequestRow | undefined> {
  const [row] = await db
    .update(handlehomeRequests)
    .set({ ...params.changes, updatedAt: params.at })
    .where(and(eq(handlehomeRequests.tenantId, params.tenantId), eq(handlehomeRequests.id, params.requestId)))
    .returning();
  return row;
}

export async function deleteRequest(db: Executor, params: { tenantId: string; requestId: string }): Promise<boolean> {
  const rows = await db
    .delete(handlehomeRequests)
    .where(and(eq(handlehomeRequests.tenantId, params.tenantId), eq(handlehomeRequests.id, params.requestId)))
    .returning({ id: handlehomeRequests.id });
  return rows.length > 0;
}
