import { z } from 'zod';

export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof weekdays)[number];

const timeOfDay = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:MM between 00:00 and 24:00');

/** Minutes since midnight of an `HH:MM` string already checked by the schema. */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * One day's hours: open from `open` (included) to `close` (excluded), unless `closed`. Hours past
 * midnight (22:00 to 02:00) are not expressible: close at 24:00 and open the next day at 00:00.
 */
export const dayHoursSchema = z
  .strictObject({ open: timeOfDay, close: timeOfDay, closed: z.boolean() })
  .refine((day) => day.closed || minutesOf(day.open) < minutesOf(day.close), { message: 'open must be before close', path: ['close'] });

export type DayHours = z.infer<typeof dayHoursSchema>;
export type WeeklyHours = Readonly<Record<Weekday, DayHours>>;

/** Whether `value` names an IANA time zone this runtime knows (`Europe/Paris`, `UTC`); offsets like `+01:00` are refused. */
export function isIanaTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().max(64).refine(isIanaTimeZone, 'must be an IANA time zone such as Europe/Paris');

const dayFields = Object.fromEntries(weekdays.map((day) => [day, dayHoursSchema])) as Record<Weekday, typeof dayHoursSchema>;

/** A company's opening hours: one entry per weekday, read in `timeZone` (daylight saving time included). */
export const businessHoursShape = z.strictObject({ timeZone: timeZoneSchema, ...dayFields });
export type BusinessHours = z.infer<typeof businessHoursShape>;

const weekday: DayHours = { open: '09:00', close: '18:00', closed: false };
const weekend: DayHours = { open: '09:00', close: '18:00', closed: true };

export const defaultBusinessHours: BusinessHours = {
  timeZone: 'Europe/Paris',
  monday: weekday,
  tuesday: weekday,
  wednesday: weekday,
  thursday: weekday,
  friday: weekday,
  saturday: weekend,
  sunday: weekend,
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The weekday and minutes since midnight that a wall clock in `timeZone` shows at `date`. */
export function wallClockAt(timeZone: string, date: Date): { weekday: Weekday; minutes: number } {
  let day = '';
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type === 'weekday') day = part.value.toLowerCase();
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  const found = weekdays.find((w) => w === day);
  if (found === undefined) throw new Error(`unexpected weekday "${day}" from Intl`);
  return { weekday: found, minutes: hour * 60 + minute };
}

/**
 * Whether the company is open at the instant `date`, reading `hours` on the wall clock of
 * `timeZone` (so across a daylight saving change 09:00 stays 09:00 local). The seed compared
 * server-local time strings, which is wrong whenever the server runs in another zone.
 */
export function isOpenAt(hours: WeeklyHours, timeZone: string, date: Date): boolean {
  const { weekday: day, minutes } = wallClockAt(timeZone, date);
  const today = hours[day];
  if (today.closed) return false;
  return minutes >= minutesOf(today.open) && minutes < minutesOf(today.close);
}
