import { sql } from 'drizzle-orm';
import { businessHoursShape, defaultBusinessHours, minutesOf, type BusinessHours } from '../companies/business-hours.ts';
import type { Executor } from '../../store/database.ts';
import { getCompanyProfile } from '../../store/queries/company-profiles.ts';
import { heldSlots } from '../../store/queries/handlehome-orders.ts';
import { getHandlehomeSettings } from '../../store/queries/handlehome-settings.ts';
import { checkSlot, defaultBookingRules, formatMinutes, hoursOn, slotsOn, type BookingRules, type SlotCheck } from './availability.ts';
import { slotFreeingStatuses } from './vocabulary.ts';
import { wallNow } from './wall-clock.ts';

/** What booking on a tenant's behalf needs: its opening hours (with their time zone) and its rules. */
export interface BookingContext {
  readonly tenantId: string;
  readonly hours: BusinessHours;
  readonly rules: BookingRules;
}

/** Reads the company's business hours (defaults when unset or unreadable) and the HandleHome rules. */
export async function loadBookingContext(db: Executor, tenantId: string): Promise<BookingContext> {
  const [profile, settings] = await Promise.all([getCompanyProfile(db, { tenantId }), getHandlehomeSettings(db, { tenantId })]);
  const parsed = businessHoursShape.safeParse(profile?.businessHours);
  const hours = parsed.success ? parsed.data : defaultBusinessHours;
  const rules: BookingRules = settings
    ? { slotMinutes: settings.slotMinutes, defaultDurationMin: settings.defaultDurationMin, capacity: settings.capacity, asapLeadMinutes: settings.asapLeadMinutes, defaultRegion: settings.defaultRegion }
    : defaultBookingRules;
  return { tenantId, hours, rules };
}

/** A date (`YYYY-MM-DD`) and a time (`HH:MM`) as a caller gives them, each possibly `ASAP` ("as soon as possible"). */
export interface RequestedWhen {
  readonly date: string;
  readonly time: string;
}

export interface ResolvedWhen {
  readonly date: string;
  readonly time: string;
  readonly dateAsap: boolean;
  readonly timeAsap: boolean;
}

/**
 * Turns "ASAP" into a wall-clock date and time, relative to `now` (when the caller asked):
 * ASAP time = now plus the lead time (rounded up to 5 minutes), or the opening time on a later day;
 * ASAP date = today if the requested time is still ahead, tomorrow otherwise.
 */
export function resolveWhen(ctx: BookingContext, when: RequestedWhen, now: Date): ResolvedWhen {
  const dateAsap = when.date === 'ASAP';
  const timeAsap = when.time === 'ASAP';
  const today = wallNow(ctx.hours.timeZone, now);
  const soon = wallNow(ctx.hours.timeZone, new Date(now.getTime() + ctx.rules.asapLeadMinutes * 60_000));
  const soonMinutes = Math.min(Math.ceil(soon.minutes / 5) * 5, 23 * 60 + 55);
  if (dateAsap && timeAsap) return { date: soon.date, time: formatMinutes(soonMinutes), dateAsap, timeAsap };
  if (dateAsap) {
    const time = when.time;
    const date = minutesOf(time) > today.minutes ? today.date : nextDay(today.date);
    return { date, time, dateAsap, timeAsap };
  }
  const date = when.date;
  if (!timeAsap) return { date, time: when.time, dateAsap, timeAsap };
  if (date === soon.date) return { date, time: formatMinutes(soonMinutes), dateAsap, timeAsap };
  const open = hoursOn(ctx.hours, date)?.open ?? 12 * 60;
  return { date, time: formatMinutes(open), dateAsap, timeAsap };
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Whether a new order of `durationMin` fits at `date` `time`, against the orders already held. */
export async function checkBooking(
  db: Executor,
  ctx: BookingContext,
  params: { date: string; time: string; durationMin: number; now: Date; exceptOrderId?: string | undefined },
): Promise<SlotCheck> {
  const held = await heldSlots(db, { tenantId: ctx.tenantId, date: params.date, freeingStatuses: slotFreeingStatuses, exceptOrderId: params.exceptOrderId });
  return checkSlot({ hours: ctx.hours, rules: ctx.rules, date: params.date, time: params.time, durationMin: params.durationMin, held, now: wallNow(ctx.hours.timeZone, params.now) });
}

/** The start times of `date` where an order of `durationMin` fits, and those where it does not. */
export async function availableSlots(db: Executor, ctx: BookingContext, params: { date: string; durationMin: number; now: Date }): Promise<{ available: string[]; unavailable: string[] }> {
  const held = await heldSlots(db, { tenantId: ctx.tenantId, date: params.date, freeingStatuses: slotFreeingStatuses });
  return slotsOn({ hours: ctx.hours, rules: ctx.rules, date: params.date, durationMin: params.durationMin, held, now: wallNow(ctx.hours.timeZone, params.now) });
}

/**
 * Serialises bookings of one tenant's day until the transaction ends, so two callers cannot both
 * take the last place of a slot (check, then insert, under the lock).
 */
export async function lockBookingDay(tx: Executor, tenantId: string, date: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`handlehome:${tenantId}:${date}`}, 0))`);
}
