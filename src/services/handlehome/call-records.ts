import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { isUuid, newId } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { insertCustomer, updateCustomer } from '../../store/queries/handlehome-customers.ts';
import { orderIdsOfRequests } from '../../store/queries/handlehome-orders.ts';
import { countRequestsByDay, deleteRequest, getRequest, listRequests, updateRequest, type RequestFields, type RequestFilter, type RequestWithCustomer } from '../../store/queries/handlehome-requests.ts';
import { isUniqueViolation } from '../../store/unique-violation.ts';
import type { Patch } from '../companies/companies.ts';
import { loadBookingContext } from './booking.ts';
import { phoneOrRefuse, type CustomerInput } from './customers.ts';
import { normalisePhone } from './phone.ts';
import { canTransition, requestTransitions, type RequestStatus } from './vocabulary.ts';
import { localDayRange } from './wall-clock.ts';

/** A call record with the id of its order, if it has one. */
export interface CallRecord extends RequestWithCustomer {
  readonly orderId: string | null;
}

export interface CallRecordQuery {
  readonly date?: string | undefined;
  readonly status?: string | undefined;
  readonly name?: string | undefined;
  readonly phone?: string | undefined;
  readonly term?: string | undefined;
  readonly offset: number;
  readonly limit: number;
}

function notFound(): AppError {
  return new AppError('call_record_not_found', 'Call record not found');
}

/**
 * What a phone search should look for in stored E.164 numbers: the normalised number when the text
 * is a whole one ("06 12 34 56 78" → "+33612345678"), else its digits without leading zeros (a
 * fragment such as "06 12" → "612", since stored numbers carry no trunk or international zeros).
 */
export function phoneSearchText(raw: string, region: string): string {
  return normalisePhone(raw, region) ?? raw.replace(/\D/g, '').replace(/^0+/, '');
}

/** HandleHome's call records of one tenant (`/api/calls`), with their status rules. */
export class HandlehomeCallRecords {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { db: Database; clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async #withOrders(tenantId: string, rows: readonly RequestWithCustomer[]): Promise<CallRecord[]> {
    const orders = await orderIdsOfRequests(this.#db, { tenantId, requestIds: rows.map((row) => row.request.id) });
    return rows.map((row) => ({ ...row, orderId: orders.get(row.request.id) ?? null }));
  }

  /** `date` is a day on the tenant's wall clock (the time zone of its business hours). */
  async list(tenantId: string, query: CallRecordQuery): Promise<{ rows: CallRecord[]; total: number }> {
    const ctx = await loadBookingContext(this.#db, tenantId);
    const range = query.date === undefined ? undefined : localDayRange(ctx.hours.timeZone, query.date);
    const filter: RequestFilter = {
      tenantId,
      from: range?.from,
      to: range?.to,
      status: query.status,
      name: query.name,
      phone: query.phone === undefined ? undefined : phoneSearchText(query.phone, ctx.rules.defaultRegion),
      term: query.term,
    };
    const { rows, total } = await listRequests(this.#db, { ...filter, offset: query.offset, limit: query.limit });
    return { rows: await this.#withOrders(tenantId, rows), total };
  }

  /** Records per local day and status. */
  async days(tenantId: string): Promise<{ date: string; status: string; count: number }[]> {
    const ctx = await loadBookingContext(this.#db, tenantId);
    return countRequestsByDay(this.#db, { tenantId, timeZone: ctx.hours.timeZone });
  }

  async get(tenantId: string, requestId: string): Promise<CallRecord> {
    const row = isUuid(requestId) ? await getRequest(this.#db, { tenantId, requestId }) : undefined;
    if (!row) throw notFound();
    const [record] = await this.#withOrders(tenantId, [row]);
    if (!record) throw notFound();
    return record;
  }

  /** Moves the record to `status` if the transition is allowed (docs/handlehome.md); the same status again is a no-op. */
  async changeStatus(tenantId: string, requestId: string, status: RequestStatus): Promise<CallRecord> {
    if (!isUuid(requestId)) throw notFound();
    await this.#db.transaction(async (tx) => {
      const row = await getRequest(tx, { tenantId, requestId, forUpdate: true });
      if (!row) throw notFound();
      const from = row.request.status as RequestStatus;
      if (!canTransition(requestTransitions, from, status)) {
        const allowed = requestTransitions[from].join(', ') || 'none';
        throw new AppError('invalid_state_transition', `A call record "${from}" cannot become "${status}" (allowed: ${allowed})`);
      }
      if (from !== status) await updateRequest(tx, { tenantId, requestId, changes: { status }, at: new Date(this.#clock.nowMs()) });
    });
    return this.get(tenantId, requestId);
  }

  /**
   * Corrects the record's customer and request fields (`PUT /api/calls/:id/client`). A record without
   * a customer gets one made from the fields sent (the seed refused instead).
   */
  async updateWithCustomer(tenantId: string, requestId: string, input: { customer: Patch<CustomerInput>; request: Patch<Pick<RequestFields, 'requestType' | 'services' | 'description'>> }): Promise<CallRecord> {
    const current = await this.get(tenantId, requestId);
    const phone = input.customer.phone === undefined ? undefined : await phoneOrRefuse(this.#db, tenantId, input.customer.phone, 'body.telephone');
    const customerChanges = Object.fromEntries(Object.entries({ ...input.customer, phone }).filter(([, value]) => value !== undefined));
    const requestChanges = Object.fromEntries(Object.entries(input.request).filter(([, value]) => value !== undefined)) as Partial<RequestFields>;
    const at = new Date(this.#clock.nowMs());
    try {
      await this.#db.transaction(async (tx) => {
        let customerId = current.customer?.id ?? null;
        if (customerId !== null && Object.keys(customerChanges).length > 0) await updateCustomer(tx, { tenantId, customerId, changes: customerChanges, at });
        if (customerId === null && Object.keys(customerChanges).length > 0) {
          const fields = { firstName: null, lastName: null, phone: null, email: null, address: null, companyName: null, ...customerChanges };
          customerId = (await insertCustomer(tx, { id: newId(), tenantId, fields, at })).id;
        }
        await updateRequest(tx, { tenantId, requestId, changes: { ...requestChanges, customerId }, at });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('customer_phone_taken', 'A customer with this phone number already exists');
      throw error;
    }
    return this.get(tenantId, requestId);
  }

  /** Deletes the record; its order stays (it was promised to a customer) without the link. */
  async delete(tenantId: string, requestId: string): Promise<void> {
    if (!isUuid(requestId) || !(await deleteRequest(this.#db, { tenantId, requestId }))) throw notFound();
  }
}
