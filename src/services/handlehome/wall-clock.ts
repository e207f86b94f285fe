import type { WallNow } from './availability.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function partsAt(timeZone: string, at: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type in parts) parts[part.type as keyof typeof parts] = Number(part.value);
  }
  parts.hour %= 24;
  return parts;
}

/** The date (`YYYY-MM-DD`) and minutes since midnight a wall clock in `timeZone` shows at `at`. */
export function wallNow(timeZone: string, at: Date): WallNow {
  const p = partsAt(timeZone, at);
  const date = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  return { date, minutes: p.hour * 60 + p.minute };
}

/** Milliseconds `timeZone` is ahead of UTC at `at`. */
function offsetMs(timeZone: string, at: Date): number {
  const p = partsAt(timeZone, at);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (at.getTime() - at.getUTCMilliseconds());
}

/** The instant a wall clock in `timeZone` shows midnight starting `date` (daylight saving time included). */
export function startOfLocalDay(timeZone: string, date: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const first = guess - offsetMs(timeZone, new Date(guess));
  const second = guess - offsetMs(timeZone, new Date(first));
  return new Date(second);
}

/** [from, to) of the local day `date` in `timeZone`. */
export function localDayRange(timeZone: string, date: string): { from: Date; to: Date } {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: startOfLocalDay(timeZone, date), to: startOfLocalDay(timeZone, next) };
}
