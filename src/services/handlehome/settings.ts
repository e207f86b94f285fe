import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../store/database.ts';
import { upsertHandlehomeSettings } from '../../store/queries/handlehome-settings.ts';
import type { Patch } from '../companies/companies.ts';
import type { BusinessHours } from '../companies/business-hours.ts';
import type { BookingRules } from './availability.ts';
import { loadBookingContext } from './booking.ts';

/** A tenant's booking rules (`/api/booking-rules`) and the business hours they apply to. */
export class HandlehomeSettingsService {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { db: Database; clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async get(tenantId: string): Promise<{ rules: BookingRules; hours: BusinessHours }> {
    const ctx = await loadBookingContext(this.#db, tenantId);
    return { rules: ctx.rules, hours: ctx.hours };
  }

  /** Changes the rules sent; the others keep their values (the defaults until first set). */
  async update(tenantId: string, patch: Patch<BookingRules>): Promise<{ rules: BookingRules; hours: BusinessHours }> {
    const current = await this.get(tenantId);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const rules: BookingRules = { ...current.rules, ...defined };
    await upsertHandlehomeSettings(this.#db, { tenantId, fields: rules, at: new Date(this.#clock.nowMs()) });
    return { rules, hours: current.hours };
  }
}
