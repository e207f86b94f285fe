import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { isUuid, newId } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { getCustomer } from '../../store/queries/handlehome-customers.ts';
import { deleteOrder, getOrder, insertOrder, listOrders, updateOrder, type OrderFields, type OrderFilter, type OrderWithCustomer } from '../../store/queries/handlehome-orders.ts';
import { getRequest } from '../../store/queries/handlehome-requests.ts';
import type { OrderLineItem } from '../../store/schema/handlehome-orders.ts';
import type { Patch } from '../companies/companies.ts';
import type { SlotCheck } from './availability.ts';
import { availableSlots, checkBooking, loadBookingContext, lockBookingDay, resolveWhen } from './booking.ts';
import { customerNotFound } from './customers.ts';
import { canTransition, orderTransitions, type OrderModality, type OrderStatus, type OrderType } from './vocabulary.ts';
import { wallNow } from './wall-clock.ts';

/** An order as a client writes it (`POST /api/orders`, `PUT /api/orders/:id`); date and time may be `ASAP`. */
export interface OrderInput {
  readonly customerId: string | null;
  readonly customerName: string | null;
  readonly requestId: string | null;
  readonly date: string;
  readonly time: string;
  readonly durationMin: number | null;
  readonly type: OrderType;
  readonly modality: OrderModality;
  readonly partySize: number | null;
  readonly description: string | null;
  readonly internalNotes: string | null;
  readonly items: OrderLineItem[];
  readonly status: OrderStatus;
  /** Book even where availability says no (staff decisions: a late table, an extra order). */
  readonly force: boolean;
}

function notFound(): AppError {
  return new AppError('order_not_found', 'Order not found');
}

const refusals: Readonly<Record<NonNullable<SlotCheck['reason']>, string>> = {
  closed: 'the business is closed that day',
  outside_hours: 'the slot is outside opening hours',
  past: 'the slot is in the past',
  full: 'the slot is fully booked',
};

/** HandleHome's orders and appointments of one tenant (`/api/orders`), with availability. */
export class HandlehomeOrders {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { db: Database; clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  #now(): Date {
    return new Date(this.#clock.nowMs());
  }

  async list(tenantId: string, query: Omit<OrderFilter, 'tenantId'> & { offset: number; limit: number }): Promise<{ rows: OrderWithCustomer[]; total: number }> {
    return listOrders(this.#db, { tenantId, ...query });
  }

  /** Today's orders on the tenant's wall clock, earliest first. */
  async today(tenantId: string): Promise<OrderWithCustomer[]> {
    const ctx = await loadBookingContext(this.#db, tenantId);
    const { date } = wallNow(ctx.hours.timeZone, this.#now());
    return (await listOrders(this.#db, { tenantId, date, offset: 0, limit: 500, ascending: true })).rows;
  }

  async get(tenantId: string, orderId: string): Promise<OrderWithCustomer> {
    const row = isUuid(orderId) ? await getOrder(this.#db, { tenantId, orderId }) : undefined;
    if (!row) throw notFound();
    return row;
  }

  async #checkLinks(tenantId: string, input: Pick<OrderInput, 'customerId' | 'requestId'>): Promise<void> {
    if (input.customerId !== null && !(await getCustomer(this.#db, { tenantId, customerId: input.customerId }))) throw customerNotFound();
    if (input.requestId !== null && !(await getRequest(this.#db, { tenantId, requestId: input.requestId }))) {
      throw new AppError('call_record_not_found', 'Call record not found');
    }
  }

  /** Creates an order after checking its slot (unless `force`); 409 `slot_unavailable` says why it does not fit. */
  async create(tenantId: string, input: OrderInput): Promise<OrderWithCustomer> {
    await this.#checkLinks(tenantId, input);
    const ctx = await loadBookingContext(this.#db, tenantId);
    const now = this.#now();
    const when = resolveWhen(ctx, { date: input.date, time: input.time }, now);
    const durationMin = input.durationMin ?? ctx.rules.defaultDurationMin;
    const id = newId();
    await this.#db.transaction(async (tx) => {
      await lockBookingDay(tx, tenantId, when.date);
      if (!input.force) {
        const check = await checkBooking(tx, ctx, { date: when.date, time: when.time, durationMin, now });
        if (!check.available) throw new AppError('slot_unavailable', `Cannot book ${when.date} ${when.time}: ${refusals[check.reason ?? 'full']} (send "force": true to book anyway)`);
      }
      const { force: _force, durationMin: _duration, date: _date, time: _time, ...rest } = input;
      const fields: OrderFields = { ...rest, ...when, durationMin };
      await insertOrder(tx, { id, tenantId, callId: null, origin: 'manual', fields, at: now });
    });
    return this.get(tenantId, id);
  }

  /** Replaces the fields sent; a new date, time or duration is checked like a new booking (unless `force`). */
  async update(tenantId: string, orderId: string, changes: Patch<OrderInput>): Promise<OrderWithCustomer> {
    const { order } = await this.get(tenantId, orderId);
    await this.#checkLinks(tenantId, { customerId: changes.customerId ?? null, requestId: changes.requestId ?? null });
    if (changes.status !== undefined) this.#checkTransition(order.status as OrderStatus, changes.status);
    const ctx = await loadBookingContext(this.#db, tenantId);
    const now = this.#now();
    const moves = changes.date !== undefined || changes.time !== undefined || changes.durationMin !== undefined;
    const when = moves ? resolveWhen(ctx, { date: changes.date ?? order.date, time: changes.time ?? order.time }, now) : undefined;
    const durationMin = changes.durationMin ?? order.durationMin;
    await this.#db.transaction(async (tx) => {
      if (when) {
        await lockBookingDay(tx, tenantId, when.date);
        if (changes.force !== true) {
          const check = await checkBooking(tx, ctx, { date: when.date, time: when.time, durationMin, now, exceptOrderId: orderId });
          if (!check.available) throw new AppError('slot_unavailable', `Cannot move to ${when.date} ${when.time}: ${refusals[check.reason ?? 'full']} (send "force": true to move anyway)`);
        }
      }
      const { force: _force, date: _date, time: _time, durationMin: _duration, ...rest } = changes;
      const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as Partial<OrderFields>;
      await updateOrder(tx, { tenantId, orderId, changes: { ...defined, ...(when ? { ...when, durationMin } : {}) }, at: now });
    });
    return this.get(tenantId, orderId);
  }

  #checkTransition(from: OrderStatus, to: OrderStatus): void {
    if (canTransition(orderTransitions, from, to)) return;
    const allowed = orderTransitions[from].join(', ') || 'none, it is final';
    throw new AppError('invalid_state_transition', `An order "${from}" cannot become "${to}" (allowed: ${allowed})`);
  }

  async changeStatus(tenantId: string, orderId: string, status: OrderStatus): Promise<OrderWithCustomer> {
    if (!isUuid(orderId)) throw notFound();
    await this.#db.transaction(async (tx) => {
      const row = await getOrder(tx, { tenantId, orderId, forUpdate: true });
      if (!row) throw notFound();
      this.#checkTransition(row.order.status as OrderStatus, status);
      if (row.order.status !== status) await updateOrder(tx, { tenantId, orderId, changes: { status }, at: this.#now() });
    });
    return this.get(tenantId, orderId);
  }

  async delete(tenantId: string, orderId: string): Promise<void> {
    if (!isUuid(orderId) || !(await deleteOrder(this.#db, { tenantId, orderId }))) throw notFound();
  }

  /** Whether an order of `durationMin` fits at `date` `time`, and how many active orders overlap it. */
  async availability(tenantId: string, params: { date: string; time: string; durationMin: number | undefined }): Promise<SlotCheck & { reasonText: string | null }> {
    const ctx = await loadBookingContext(this.#db, tenantId);
    const check = await checkBooking(this.#db, ctx, { date: params.date, time: params.time, durationMin: params.durationMin ?? ctx.rules.defaultDurationMin, now: this.#now() });
    return { ...check, reasonText: check.reason === null ? null : refusals[check.reason] };
  }

  async slots(tenantId: string, params: { date: string; durationMin: number | undefined }): Promise<{ available: string[]; unavailable: string[] }> {
    const ctx = await loadBookingContext(this.#db, tenantId);
    return availableSlots(this.#db, ctx, { date: params.date, durationMin: params.durationMin ?? ctx.rules.defaultDurationMin, now: this.#now() });
  }
}
