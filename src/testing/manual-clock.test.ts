import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.ts';

/** Schedules a timer that records its name and the clock's time when it fires. */
function recorder(clock: ManualClock) {
  const fired: [string, number][] = [];
  const at = (delayMs: number, name: string, then?: () => void) =>
    clock.setTimer(delayMs, () => {
      fired.push([name, clock.nowMs()]);
      then?.();
    });
  return { fired, at };
}

describe('ManualClock time', () => {
  it('starts at a fixed instant by default, or at the one given', () => {
    expect(new ManualClock().nowMs()).toBe(Date.UTC(2026, 10, 21, 12, 0, 0));
    expect(new ManualClock(0).nowMs()).toBe(0);
  });

  it('moves only when told: by advance(ms) or to an instant with advanceTo', () => {
    const clock = new ManualClock(1000);
    expect(clock.nowMs()).toBe(1000);
    clock.advance(250);
    expect(clock.nowMs()).toBe(1250);
    clock.advance(0);
    expect(clock.nowMs()).toBe(1250);
    clock.advanceTo(2000);
    expect(clock.nowMs()).toBe(2000);
  });

  it('never moves backwards: advanceTo an instant already past does nothing, a negative advance throws', () => {
    const clock = new ManualClock(1000);
    clock.advanceTo(500);
    expect(clock.nowMs()).toBe(1000);
    expect(() => {
      clock.advance(-1);
    }).toThrow(RangeError);
    expect(() => {
      clock.advance(Number.NaN);
    }).toThrow(RangeError);
    expect(clock.nowMs()).toBe(1000);
  });
});

describe('ManualClock timers', () => {
  it('fire in due-time order, ties in scheduling order, each seeing nowMs() at its due time', () => {
    const clock = new ManualClock(0);
    const { fired, at } = recorder(clock);
    at(300, 'b');
    at(100, 'a');
    at(300, 'c');
    at(1000, 'late');

    clock.advance(500);

    expect(fired).toEqual([
      ['a', 100],
      ['b', 300],
      ['c', 300],
    ]);
    expect(clock.nowMs()).toBe(500);
    expect(clock.pendingDueTimes).toEqual([1000]);
  });

  it('fire when their due time is reached exactly, not a millisecond before', () => {
    const clock = new ManualClock(0);
    const { fired, at } = recorder(clock);
    at(100, 'a');
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([['a', 100]]);
  });

  it('treat a negative delay as 0 without moving time backwards', () => {
    const clock = new ManualClock(1000);
    const { fired, at } = recorder(clock);
    at(-50, 'now');
    clock.advance(0);
    expect(fired).toEqual([['now', 1000]]);
    expect(clock.nowMs()).toBe(1000);
  });

  it('scheduled by a firing timer during advance fire in the same advance when due within it, ties after those scheduled earlier', () => {
    const clock = new ManualClock(0);
    const { fired, at } = recorder(clock);
    at(100, 'a', () => {
      at(50, 'a+50');
      at(0, 'a+0');
      at(500, 'a+500');
    });
    at(160, 'b');
    at(150, 'c', () => at(10, 'c+10'));

    clock.advance(400);

    expect(fired).toEqual([
      ['a', 100],
      ['a+0', 100],
      ['c', 150],
      ['a+50', 150],
      ['b', 160],
      ['c+10', 160],
    ]);
    expect(clock.nowMs()).toBe(400);
    expect(clock.pendingDueTimes).toEqual([600]);

    clock.advance(200);
    expect(fired.at(-1)).toEqual(['a+500', 600]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('repeating by rescheduling themselves fire once per period across one long advance', () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const tick = () => {
      ticks.push(clock.nowMs());
      clock.setTimer(20, tick);
    };
    clock.setTimer(20, tick);
    clock.advance(100);
    expect(ticks).toEqual([20, 40, 60, 80, 100]);
    expect(clock.pendingDueTimes).toEqual([120]);
  });
});

describe('ManualClock cancellation', () => {
  it('never fires a cancelled timer and no longer counts it as pending', () => {
    const clock = new ManualClock(0);
    const { fired, at } = recorder(clock);
    const cancel = at(10, 'cancelled');
    at(20, 'kept');
    expect(clock.pendingTimers).toBe(2);
    cancel();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(100);
    expect(fired).toEqual([['kept', 20]]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets a firing timer cancel a later one due in the same advance, even at the same instant', () => {
    const clock = new ManualClock(0);
    const { fired, at } = recorder(clock);
    const cancels: (() => void)[] = [];
    at(100, 'a', () => {
      for (const cancel of cancels) cancel();
    });
    cancels.push(at(100, 'same instant'), at(200, 'later'));
    clock.advance(300);
    expect(fired).toEqual([['a', 100]]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does nothing when called twice or after the timer fired', () => {
    const clock = new ManualClock(0);
    const { fired, at } = recorder(clock);
    const cancelFired = at(10, 'fired');
    const cancelTwice = at(10, 'cancelled');
    at(50, 'pending');
    cancelTwice();
    clock.advance(20);
    cancelFired();
    cancelTwice();
    expect(fired).toEqual([['fired', 10]]);
    expect(clock.pendingDueTimes).toEqual([50]);
  });
});
