import { and, asc, count, desc, eq, ilike, inArray, ne, notInArray, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { handlehomeCustomers, type HandlehomeCustomerRow } from '../schema/handlehome-customers.ts';
import { handlehomeOrders, type HandlehomeOrderRow, type OrderLineItem } from '../schema/handlehome-orders.ts';
import { containsPattern } from './handlehome-customers.ts';

export interface OrderFields {
  readonly customerId: string | null;
  readonly customerName: string | null;
  readonly requestId: string | null;
  readonly date: string;
  readonly time: string;
  readonly dateAsap: boolean;
  readonly timeAsap: boolean;
  readonly durationMin: number;
  readonly type: string;
  readonly modality: string;
  readonly partySize: number | null;
  readonly description: string | null;
  readonly internalNotes: string | null;
  readonly items: OrderLineItem[];
  readonly status: string;
}

export interface OrderWithCustomer {
  readonly order: HandlehomeOrderRow;
  readonly customer: HandlehomeCustomerRow | null;
}

export async function insertOrder(
  db: Executor,
  params: { id: string; tenantId: string; callId: string | null; origin: string; fields: OrderFields; at: Date },
): Promise<HandlehomeOrderRow> {
  const [row] = await db
    .insert(handlehomeOrders)
    .values({ id: params.id, tenantId: params.tenantId, callId: params.callId, origin: params.origin, ...params.fields, createdAt: params.at, updatedAt: params.at })
    .returning();
  if (!row) throw new Error('insert into handlehome_orders returned no row');
  return row;
}

/** The call's order (at most one), locked for the rest of the transaction. */
export async function lockOrderOfCall(db: Executor, params: { tenantId: string; callId: string }): Promise<HandlehomeOrderRow | undefined> {
  const [row] = await db
    .select()
    .from(handlehomeOrders)
    .where(and(eq(handlehomeOrders.tenantId, params.tenantId), eq(handlehomeOrders.callId, params.callId)))
    .limit(1)
    .for('update');
  return row;
}

export async function getOrder(db: Executor, params: { tenantId: string; orderId: string; forUpdate?: boolean }): Promise<OrderWithCustomer | undefined> {
  const query = db
    .select({ order: handlehomeOrders, customer: handlehomeCustomers })
    .from(handlehomeOrders)
    .leftJoin(handlehomeCustomers, eq(handlehomeCustomers.id, handlehomeOrders.customerId))
    .where(and(eq(handlehomeOrders.tenantId, params.tenantId), eq(handlehomeOrders.id, params.orderId)))
    .limit(1);
  const [row] = params.forUpdate === true ? await query.for('update', { of: handlehomeOrders }) : await query;
  return row;
}

/** The order id of each call record given, for the `related_order` of a list. */
export async function orderIdsOfRequests(db: Executor, params: { tenantId: string; requestIds: readonly string[] }): Promise<Map<string, string>> {
  if (params.requestIds.length === 0) return new Map();
  const rows = await db
    .select({ id: handlehomeOrders.id, requestId: handlehomeOrders.requestId })
    .from(handlehomeOrders)
    .where(and(eq(handlehomeOrders.tenantId, params.tenantId), inArray(handlehomeOrders.requestId, [...params.requestIds])));
  return new Map(rows.flatMap((row) => (row.requestId === null ? [] : [[row.requestId, row.id] as const])));
}

export interface OrderFilter {
  readonly tenantId: string;
  readonly date?: string | undefined;
  readonly status?: string | undefined;
  readonly type?: string | undefined;
  readonly modality?: string | undefined;
  readonly customerId?: string | undefined;
  /** Substring of the customer's names or phone, the order name, type, description or notes. */
  readonly term?: string | undefined;
}

function orderConditions(filter: OrderFilter): SQL | undefined {
  const o = handlehomeOrders;
  const c = handlehomeCustomers;
  const conditions: (SQL | undefined)[] = [eq(o.tenantId, filter.tenantId)];
  if (filter.date !== undefined) conditions.push(eq(o.date, filter.date));
  if (filter.status !== undefined) conditions.push(eq(o.status, filter.status));
  if (filter.type !== undefined) conditions.push(eq(o.type, filter.type));
  if (filter.modality !== undefined) conditions.push(eq(o.modality, filter.modality));
  if (filter.customerId !== undefined) conditions.push(eq(o.customerId, filter.customerId));
  if (filter.term !== undefined) {
    const p = containsPattern(filter.term);
    conditions.push(or(ilike(c.lastName, p), ilike(c.firstName, p), ilike(c.phone, p), ilike(o.customerName, p), ilike(o.type, p), ilike(o.description, p), ilike(o.internalNotes, p)));
  }
  return and(...conditions);
}

/** Latest slot first (the seed's order), with their customers. */
export async function listOrders(db: Executor, filter: OrderFilter & { offset: number; limit: number; ascending?: boolean }): Promise<{ rows: OrderWithCustomer[]; total: number }> {
  const where = orderConditions(filter);
  const o = handlehomeOrders;
  const direction = filter.ascending === true ? asc : desc;
  const rows = await db
    .select({ order: o, customer: handlehomeCustomers })
    .from(o)
    .leftJoin(handlehomeCustomers, eq(handlehomeCustomers.id, o.customerId))
    .where(where)
    .orderBy(direction(o.date), direction(o.time), direction(o.id))
    .offset(filter.offset)
    .limit(filter.limit);
  const [total] = await db.select({ n: count() }).from(o).leftJoin(handlehomeCustomers, eq(handlehomeCustomers.id, o.customerId)).where(where);
  return { rows, total: total?.n ?? 0 };
}

/** The slots held on a day: orders whose status still holds one, except `exceptOrderId` (the order being moved). */
export async function heldSlots(
  db: Executor,
  params: { tenantId: string; date: string; freeingStatuses: readonly string[]; exceptOrderId?: string | undefined },
): Promise<{ time: string; durationMin: number }[]> {
  const o = handlehomeOrders;
  const conditions: (SQL | undefined)[] = [eq(o.tenantId, params.tenantId), eq(o.date, params.date), notInArray(o.status, [...params.freeingStatuses])];
  if (params.exceptOrderId !== undefined) conditions.push(ne(o.id, params.exceptOrderId));
  return db.select({ time: o.time, durationMin: o.durationMin }).from(o).where(and(...conditions));
}

export async function updateOrder(
  db: Executor,
  params: { tenantId: string; orderId: string; changes: Partial<OrderFields>; at: Date },
): Promise<HandlehomeOrderRow | undefined> {
  const [row] = await db
    .update(handlehomeOrders)
    .set({ ...params.changes, updatedAt: params.at })
    .where(and(eq(handlehomeOrders.tenantId, params.tenantId), eq(handlehomeOrders.id, params.orderId)))
    .returning();
  return row;
}

export async function deleteOrder(db: Executor, params: { tenantId: string; orderId: string }): Promise<boolean> {
  const rows = await db
    .delete(handlehomeOrders)
    .where(and(eq(handlehomeOrders.tenantId, params.tenantId), eq(handlehomeOrders.id, params.orderId)))
    .returning({ id: handlehomeOrders.id });
  return rows.length > 0;
}
