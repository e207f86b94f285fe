import type { Database } from '../../store/database.ts';
import { listCustomers } from '../../store/queries/handlehome-customers.ts';
import { listOrders, type OrderWithCustomer } from '../../store/queries/handlehome-orders.ts';
import type { HandlehomeCustomerRow } from '../../store/schema/handlehome-customers.ts';
import { loadBookingContext } from './booking.ts';
import { phoneSearchText, type CallRecord, type HandlehomeCallRecords } from './call-records.ts';
import { isCalendarDate } from './extraction.ts';

/** The most results of each kind a search returns. */
const perKind = 10;

/** Whether a search text looks like a phone number or part of one (digits, spaces, `+-().`, at least 6 digits). */
function looksLikePhone(text: string): boolean {
  return /^[\d\s+\-().]+$/.test(text) && text.replace(/\D/g, '').length >= 6;
}

/**
 * HandleHome's unified search (`/api/search`): a local day (`YYYY-MM-DD`) finds that day's call
 * records and orders; a phone number (whole or part) finds by number; any other text matches names,
 * email, company, request type, services, descriptions and notes. Always literal substring matching:
 * the text is never a pattern (the seed built regexes from it).
 */
export class HandlehomeSearch {
  readonly #db: Database;
  readonly #callRecords: HandlehomeCallRecords;

  constructor(deps: { db: Database; callRecords: HandlehomeCallRecords }) {
    this.#db = deps.db;
    this.#callRecords = deps.callRecords;
  }

  async search(tenantId: string, text: string): Promise<{ clients: HandlehomeCustomerRow[]; calls: CallRecord[]; orders: OrderWithCustomer[] }> {
    const page = { offset: 0, limit: perKind };
    if (/^\d{4}-\d{2}-\d{2}$/.test(text) && isCalendarDate(text)) {
      const calls = await this.#callRecords.list(tenantId, { date: text, ...page });
      const orders = await listOrders(this.#db, { tenantId, date: text, ...page });
      return { clients: [], calls: calls.rows, orders: orders.rows };
    }
    const term = looksLikePhone(text) ? phoneSearchText(text, (await loadBookingContext(this.#db, tenantId)).rules.defaultRegion) : text;
    const clients = await listCustomers(this.#db, { tenantId, term, ...page });
    const calls = await this.#callRecords.list(tenantId, { term, ...page });
    const orders = await listOrders(this.#db, { tenantId, term, ...page });
    return { clients: clients.rows, calls: calls.rows, orders: orders.rows };
  }
}
