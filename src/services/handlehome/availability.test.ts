import { describe, expect, it } from 'vitest';
import { defaultBusinessHours, type BusinessHours } from '../companies/business-hours.ts';
import { checkSlot, defaultBookingRules, slotsOn } from './availability.ts';
import { localDayRange, wallNow } from './wall-clock.ts';

const hours: BusinessHours = { ...defaultBusinessHours, saturday: { open: '11:00', close: '14:00', closed: false } };
// 2026-11-23 is a Monday; 2026-11-22 a Sunday (closed).
const monday = '2026-11-23';
const before = { date: '2026-11-20', minutes: 600 };

describe('availability', () => {
  it('offers the slot grid inside opening hours, ending by closing time', () => {
    const slots = slotsOn({ hours, rules: defaultBookingRules, date: monday, durationMin: 60, held: [], now: before });
    expect(slots.available[0]).toBe('09:00');
    expect(slots.available.at(-1)).toBe('17:00');
    expect(slots.available).toHaveLength(17);
  });

  it('refuses a closed day, hours outside opening and the past', () => {
    const base = { hours, rules: defaultBookingRules, durationMin: 60, held: [], now: before };
    expect(checkSlot({ ...base, date: '2026-11-22', time: '10:00' }).reason).toBe('closed');
    expect(checkSlot({ ...base, date: monday, time: '08:30' }).reason).toBe('outside_hours');
    expect(checkSlot({ ...base, date: monday, time: '17:30' }).reason).toBe('outside_hours');
    expect(checkSlot({ ...base, date: monday, time: '10:00', now: { date: monday, minutes: 11 * 60 } }).reason).toBe('past');
    expect(checkSlot({ ...base, date: '2026-11-19', time: '10:00' }).reason).toBe('past');
  });

  it('counts overlapping active orders against the capacity', () => {
    const held = [{ time: '10:00', durationMin: 60 }];
    const base = { hours, date: monday, durationMin: 60, held, now: before };
    expect(checkSlot({ ...base, rules: defaultBookingRules, time: '10:30' })).toEqual({ available: false, reason: 'full', conflicts: 1 });
    expect(checkSlot({ ...base, rules: defaultBookingRules, time: '11:00' }).available).toBe(true);
    expect(checkSlot({ ...base, rules: defaultBookingRules, time: '09:00' }).available).toBe(true);
    expect(checkSlot({ ...base, rules: { ...defaultBookingRules, capacity: 2 }, time: '10:30' }).available).toBe(true);
    const slots = slotsOn({ ...base, rules: defaultBookingRules });
    expect(slots.unavailable).toEqual(['09:30', '10:00', '10:30']);
  });

  it('measures the peak of overlapping orders, not their count', () => {
    // Two orders that never overlap each other fit in a slot of capacity 2 spanning both, a third does not.
    const held = [{ time: '10:00', durationMin: 30 }, { time: '10:30', durationMin: 30 }];
    const rules = { ...defaultBookingRules, capacity: 2 };
    expect(checkSlot({ hours, rules, date: monday, time: '10:00', durationMin: 60, held, now: before }).available).toBe(true);
    expect(checkSlot({ hours, rules, date: monday, time: '10:00', durationMin: 60, held: [...held, { time: '10:15', durationMin: 30 }], now: before }).reason).toBe('full');
  });
});

describe('wall clock', () => {
  it('reads the tenant’s date and time, across daylight saving time', () => {
    expect(wallNow('Europe/Paris', new Date('2026-07-01T22:30:00Z'))).toEqual({ date: '2026-07-02', minutes: 30 });
    expect(wallNow('Europe/Paris', new Date('2026-12-01T22:30:00Z'))).toEqual({ date: '2026-12-01', minutes: 23 * 60 + 30 });
  });

  it('gives a local day as an instant range (23 hours on the spring change)', () => {
    const { from, to } = localDayRange('Europe/Paris', '2026-03-29');
    expect(from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(to.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});
