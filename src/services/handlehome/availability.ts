import { minutesOf, weekdays, type BusinessHours } from '../companies/business-hours.ts';

/** A tenant's booking rules (docs/handlehome.md, "Availability"). */
export interface BookingRules {
  /** Bookable start times are multiples of this many minutes from the opening time. */
  readonly slotMinutes: number;
  readonly defaultDurationMin: number;
  /** How many active orders may overlap at any instant (tables, ovens, staff). */
  readonly capacity: number;
  readonly asapLeadMinutes: number;
  readonly defaultRegion: string;
}

export const defaultBookingRules: BookingRules = { slotMinutes: 30, defaultDurationMin: 60, capacity: 1, asapLeadMinutes: 30, defaultRegion: 'FR' };

/** An order that holds time on the day asked about. */
export interface HeldSlot {
  readonly time: string;
  readonly durationMin: number;
}

/** The tenant's wall clock now: its date and minutes since midnight. */
export interface WallNow {
  readonly date: string;
  readonly minutes: number;
}

export type SlotRefusal = 'closed' | 'outside_hours' | 'past' | 'full';

export interface SlotCheck {
  readonly available: boolean;
  readonly reason: SlotRefusal | null;
  /** Active orders overlapping the slot. */
  readonly conflicts: number;
}

export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The opening hours of the weekday of `date` (a `YYYY-MM-DD` already checked). */
export function hoursOn(hours: BusinessHours, date: string): { open: number; close: number } | null {
  const sundayFirst = new Date(`${date}T12:00:00Z`).getUTCDay();
  const day = hours[weekdays[(sundayFirst + 6) % 7] ?? 'monday'];
  return day.closed ? null : { open: minutesOf(day.open), close: minutesOf(day.close) };
}

/** The most orders running at once within [start, end), counting only those that overlap it. */
function peakOverlap(held: readonly HeldSlot[], start: number, end: number): { peak: number; overlapping: number } {
  const overlapping = held.map((h) => ({ start: minutesOf(h.time), end: minutesOf(h.time) + h.durationMin })).filter((h) => h.start < end && h.end > start);
  let peak = 0;
  for (const instant of [start, ...overlapping.map((h) => h.start).filter((s) => s > start)]) {
    peak = Math.max(peak, overlapping.filter((h) => h.start <= instant && h.end > instant).length);
  }
  return { peak, overlapping: overlapping.length };
}

/**
 * Whether an order of `durationMin` may start at `time` on `date`: inside the day's opening hours
 * (start at or after opening, end at or before closing), not in the past, and with fewer than
 * `capacity` active orders running at any instant of it.
 */
export function checkSlot(params: { hours: BusinessHours; rules: BookingRules; date: string; time: string; durationMin: number; held: readonly HeldSlot[]; now: WallNow }): SlotCheck {
  const { hours, rules, date, durationMin, held, now } = params;
  const start = minutesOf(params.time);
  const end = start + durationMin;
  const { peak, overlapping } = peakOverlap(held, start, end);
  const refuse = (reason: SlotRefusal): SlotCheck => ({ available: false, reason, conflicts: overlapping });
  const day = hoursOn(hours, date);
  if (day === null) return refuse('closed');
  if (start < day.open || end > day.close) return refuse('outside_hours');
  if (date < now.date || (date === now.date && start < now.minutes)) return refuse('past');
  if (peak >= rules.capacity) return refuse('full');
  return { available: true, reason: null, conflicts: overlapping };
}

/** Every start time of `date` on the slot grid, split into those a new order fits and those it does not. */
export function slotsOn(params: { hours: BusinessHours; rules: BookingRules; date: string; durationMin: number; held: readonly HeldSlot[]; now: WallNow }): { available: string[]; unavailable: string[] } {
  const day = hoursOn(params.hours, params.date);
  const available: string[] = [];
  const unavailable: string[] = [];
  if (day === null) return { available, unavailable };
  for (let start = day.open; start + params.durationMin <= day.close; start += params.rules.slotMinutes) {
    const time = formatMinutes(start);
    (checkSlot({ ...params, time }).available ? available : unavailable).push(time);
  }
  return { available, unavailable };
}
