import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { isUuid, newId } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { deleteCustomer, getCustomer, insertCustomer, listCustomers, updateCustomer, type CustomerFields } from '../../store/queries/handlehome-customers.ts';
import { listOrders, orderIdsOfRequests, type OrderWithCustomer } from '../../store/queries/handlehome-orders.ts';
import { listRequests } from '../../store/queries/handlehome-requests.ts';
import type { HandlehomeCustomerRow } from '../../store/schema/handlehome-customers.ts';
import { isUniqueViolation } from '../../store/unique-violation.ts';
import type { Patch } from '../companies/companies.ts';
import { loadBookingContext } from './booking.ts';
import type { CallRecord } from './call-records.ts';
import { normalisePhone } from './phone.ts';

/** Customer fields as a client sends them: the phone as typed, normalised here. */
export type CustomerInput = Omit<CustomerFields, 'phone'> & { readonly phone: string | null };

/** The most records a customer's history returns of each kind. */
const historyLimit = 200;

export function customerNotFound(): AppError {
  return new AppError('customer_not_found', 'Customer not found');
}

/** A phone as typed by a client, in E.164, or a 400 naming the field. `null` clears it. */
export async function phoneOrRefuse(db: Database, tenantId: string, raw: string | null, path: string): Promise<string | null> {
  if (raw === null) return null;
  const { rules } = await loadBookingContext(db, tenantId);
  const phone = normalisePhone(raw, rules.defaultRegion);
  if (phone === null) {
    const message = `not a valid phone number (international +33…, or national for region ${rules.defaultRegion})`;
    throw new AppError('validation_failed', 'The request is invalid', { details: [{ path, message }] });
  }
  return phone;
}

function phoneTaken(): AppError {
  return new AppError('customer_phone_taken', 'A customer with this phone number already exists');
}

/** HandleHome's customers of one tenant (`/api/clients`). An id of another tenant is answered as unknown. */
export class HandlehomeCustomers {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { db: Database; clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async list(tenantId: string, params: { term?: string | undefined; offset: number; limit: number }): Promise<{ rows: HandlehomeCustomerRow[]; total: number }> {
    return listCustomers(this.#db, { tenantId, ...params });
  }

  async get(tenantId: string, customerId: string): Promise<HandlehomeCustomerRow> {
    const row = isUuid(customerId) ? await getCustomer(this.#db, { tenantId, customerId }) : undefined;
    if (!row) throw customerNotFound();
    return row;
  }

  async create(tenantId: string, input: CustomerInput): Promise<HandlehomeCustomerRow> {
    const phone = await phoneOrRefuse(this.#db, tenantId, input.phone, 'body.telephone');
    try {
      return await insertCustomer(this.#db, { id: newId(), tenantId, fields: { ...input, phone }, at: new Date(this.#clock.nowMs()) });
    } catch (error) {
      if (isUniqueViolation(error)) throw phoneTaken();
      throw error;
    }
  }

  async update(tenantId: string, customerId: string, changes: Patch<CustomerInput>): Promise<HandlehomeCustomerRow> {
    await this.get(tenantId, customerId);
    const phone = changes.phone === undefined ? undefined : await phoneOrRefuse(this.#db, tenantId, changes.phone, 'body.telephone');
    const defined = Object.fromEntries(Object.entries({ ...changes, phone }).filter(([, value]) => value !== undefined)) as Partial<CustomerFields>;
    try {
      const row = await updateCustomer(this.#db, { tenantId, customerId, changes: defined, at: new Date(this.#clock.nowMs()) });
      if (!row) throw customerNotFound();
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw phoneTaken();
      throw error;
    }
  }

  /** The customer with their call records and orders, newest first. */
  async history(tenantId: string, customerId: string): Promise<{ customer: HandlehomeCustomerRow; calls: CallRecord[]; orders: OrderWithCustomer[] }> {
    const customer = await this.get(tenantId, customerId);
    const calls = await listRequests(this.#db, { tenantId, customerId, offset: 0, limit: historyLimit });
    const orderIds = await orderIdsOfRequests(this.#db, { tenantId, requestIds: calls.rows.map((row) => row.request.id) });
    const orders = await listOrders(this.#db, { tenantId, customerId, offset: 0, limit: historyLimit });
    return { customer, calls: calls.rows.map((row) => ({ ...row, orderId: orderIds.get(row.request.id) ?? null })), orders: orders.rows };
  }

  /** Deletes the customer; their call records and orders stay, without a customer. */
  async delete(tenantId: string, customerId: string): Promise<void> {
    if (!isUuid(customerId) || !(await deleteCustomer(this.#db, { tenantId, customerId }))) throw customerNotFound();
  }
}
