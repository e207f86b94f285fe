import { describe, expect, it } from 'vitest';
import { businessHoursShape, defaultBusinessHours, isIanaTimeZone, isOpenAt, wallClockAt, type WeeklyHours } from './business-hours.ts';

const nineToSix = { open: '09:00', close: '18:00', closed: false };
const everyDay: WeeklyHours = {
  monday: nineToSix,
  tuesday: nineToSix,
  wednesday: nineToSix,
  thursday: nineToSix,
  friday: nineToSix,
  saturday: nineToSix,
  sunday: nineToSix,
};
const at = (iso: string) => new Date(iso);

describe('isOpenAt', () => {
  it('reads the hours on the wall clock of the zone, on both sides of the spring change (Paris, 30 March 2025)', () => {
    // 07:30 UTC is 08:30 in Paris the day before the change (UTC+1) and 09:30 on the day of it (UTC+2).
    expect(isOpenAt(everyDay, 'Europe/Paris', at('2025-03-29T07:30:00Z'))).toBe(false);
    expect(isOpenAt(everyDay, 'Europe/Paris', at('2025-03-30T07:30:00Z'))).toBe(true);
    // 16:30 UTC: 17:30 before (open), 18:30 after (closed).
    expect(isOpenAt(everyDay, 'Europe/Paris', at('2025-03-29T16:30:00Z'))).toBe(true);
    expect(isOpenAt(everyDay, 'Europe/Paris', at('2025-03-30T16:30:00Z'))).toBe(false);
  });

  it('and on both sides of the autumn change (New York, 2 November 2025)', () => {
    // 13:30 UTC is 09:30 EDT (UTC-4) on Saturday and 08:30 EST (UTC-5) on Sunday.
    expect(isOpenAt(everyDay, 'America/New_York', at('2025-11-01T13:30:00Z'))).toBe(true);
    expect(isOpenAt(everyDay, 'America/New_York', at('2025-11-02T13:30:00Z'))).toBe(false);
    expect(isOpenAt(everyDay, 'America/New_York', at('2025-11-02T14:00:00Z'))).toBe(true);
  });

  it('takes the weekday from the zone, not from UTC', () => {
    const weekdaysOnly: WeeklyHours = { ...everyDay, saturday: { ...nineToSix, closed: true }, sunday: { ...nineToSix, closed: true } };
    // Sunday 21:00 UTC is Monday 10:00 in Auckland (UTC+13 in summer).
    const instant = at('2025-01-05T21:00:00Z');
    expect(wallClockAt('Pacific/Auckland', instant)).toEqual({ weekday: 'monday', minutes: 10 * 60 });
    expect(isOpenAt(weekdaysOnly, 'Pacific/Auckland', instant)).toBe(true);
    expect(isOpenAt(weekdaysOnly, 'UTC', instant)).toBe(false);
  });

  it('opens at open (included) and closes at close (excluded); 24:00 runs to midnight; closed days stay closed', () => {
    expect(isOpenAt(everyDay, 'UTC', at('2025-06-02T09:00:00Z'))).toBe(true);
    expect(isOpenAt(everyDay, 'UTC', at('2025-06-02T08:59:59Z'))).toBe(false);
    expect(isOpenAt(everyDay, 'UTC', at('2025-06-02T17:59:59Z'))).toBe(true);
    expect(isOpenAt(everyDay, 'UTC', at('2025-06-02T18:00:00Z'))).toBe(false);
    const late: WeeklyHours = { ...everyDay, monday: { open: '20:00', close: '24:00', closed: false }, tuesday: { ...nineToSix, closed: true } };
    expect(isOpenAt(late, 'UTC', at('2025-06-02T23:59:00Z'))).toBe(true);
    expect(isOpenAt(late, 'UTC', at('2025-06-03T00:00:00Z'))).toBe(false);
    expect(isOpenAt(late, 'UTC', at('2025-06-03T10:00:00Z'))).toBe(false);
  });

  it('gives midnight as minute 0', () => {
    expect(wallClockAt('Europe/Paris', at('2025-06-01T22:00:00Z'))).toEqual({ weekday: 'monday', minutes: 0 });
  });
});

describe('business hours schema', () => {
  it('accepts the defaults and IANA zones, refuses offsets, abbreviations and unknown zones', () => {
    expect(businessHoursShape.safeParse(defaultBusinessHours).success).toBe(true);
    for (const zone of ['Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+1']) expect(isIanaTimeZone(zone), zone).toBe(true);
    for (const zone of ['+01:00', 'Mars/Olympus', 'Europe/Paris ', '', 'europe paris']) expect(isIanaTimeZone(zone), zone).toBe(false);
  });

  it('refuses open after close, bad times and unknown fields, naming the field', () => {
    const bad = businessHoursShape.safeParse({ ...defaultBusinessHours, monday: { open: '18:00', close: '09:00', closed: false } });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['monday.close', 'open must be before close']]);
    expect(businessHoursShape.safeParse({ ...defaultBusinessHours, friday: { open: '9:00', close: '18:00', closed: false } }).success).toBe(false);
    expect(businessHoursShape.safeParse({ ...defaultBusinessHours, friday: { open: '09:00', close: '24:01', closed: false } }).success).toBe(false);
    expect(businessHoursShape.safeParse({ ...defaultBusinessHours, holidays: [] }).success).toBe(false);
    // A closed day's times are not compared.
    expect(businessHoursShape.safeParse({ ...defaultBusinessHours, sunday: { open: '18:00', close: '09:00', closed: true } }).success).toBe(true);
  });
});
