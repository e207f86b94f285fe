import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.ts';

describe('ManualClock', () => {
  it('fires due timers in order, at their due time, including timers they schedule', () => {
    const clock = new ManualClock(0);
    const fired: [string, number][] = [];
    clock.setTimer(300, () => fired.push(['b', clock.nowMs()]));
    clock.setTimer(100, () => {
      fired.push(['a', clock.nowMs()]);
      clock.setTimer(50, () => fired.push(['a2', clock.nowMs()]));
    });
    clock.setTimer(300, () => fired.push(['c', clock.nowMs()]));
    clock.setTimer(1000, () => fired.push(['late', clock.nowMs()]));

    clock.advance(500);

    expect(fired).toEqual([
      ['a', 100],
      ['a2', 150],
      ['b', 300],
      ['c', 300],
    ]);
    expect(clock.nowMs()).toBe(500);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.pendingDueTimes).toEqual([1000]);
  });

  it('never fires a cancelled timer', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const cancel = clock.setTimer(10, () => {
      fired = true;
    });
    cancel();
    clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});
