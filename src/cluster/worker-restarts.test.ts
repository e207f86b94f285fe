import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.ts';
import { WorkerRestarts } from './worker-restarts.ts';

/** Starts a worker in `slot`, lets it live `uptimeMs`, kills it; returns the back-off and whether the restart ran exactly then. */
function crashAfter(clock: ManualClock, restarts: WorkerRestarts, slot: number, uptimeMs: number): { delayMs: number; restartedOnTime: boolean } {
  restarts.started(slot);
  clock.advance(uptimeMs);
  const restartTimes: number[] = [];
  const delayMs = restarts.died(slot, () => restartTimes.push(clock.nowMs()));
  const diedAtMs = clock.nowMs();
  clock.advance(delayMs);
  return { delayMs, restartedOnTime: restartTimes.length === 1 && restartTimes[0] === diedAtMs + delayMs };
}

describe('restarting workers that died', () => {
  it('replaces a worker after 1 s, doubling while it keeps dying young, up to 30 s', () => {
    const clock = new ManualClock();
    const restarts = new WorkerRestarts(clock);
    const delays = Array.from({ length: 8 }, () => crashAfter(clock, restarts, 0, 500));
    expect(delays.map((d) => d.delayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(delays.every((d) => d.restartedOnTime)).toBe(true);
  });

  it('starts over at 1 s once a worker had run for a minute', () => {
    const clock = new ManualClock();
    const restarts = new WorkerRestarts(clock);
    expect(crashAfter(clock, restarts, 0, 500).delayMs).toBe(1_000);
    expect(crashAfter(clock, restarts, 0, 500).delayMs).toBe(2_000);
    expect(crashAfter(clock, restarts, 0, 59_999).delayMs).toBe(4_000);
    expect(crashAfter(clock, restarts, 0, 60_000).delayMs).toBe(1_000);
  });

  it('keeps each slot to its own back-off', () => {
    const clock = new ManualClock();
    const restarts = new WorkerRestarts(clock);
    crashAfter(clock, restarts, 0, 100);
    crashAfter(clock, restarts, 0, 100);
    expect(crashAfter(clock, restarts, 0, 100).delayMs).toBe(4_000);
    expect(crashAfter(clock, restarts, 1, 100).delayMs).toBe(1_000);
  });

  it('takes its delays from the policy given', () => {
    const clock = new ManualClock();
    const restarts = new WorkerRestarts(clock, { initialDelayMs: 100, maxDelayMs: 250, stableAfterMs: 1_000 });
    expect([0, 1, 2].map(() => crashAfter(clock, restarts, 0, 10).delayMs)).toEqual([100, 200, 250]);
  });

  it('runs no replacement after stop, pending or later', () => {
    const clock = new ManualClock();
    const restarts = new WorkerRestarts(clock);
    let restarted = 0;
    restarts.started(0);
    restarts.started(1);
    restarts.died(0, () => (restarted += 1));
    expect(restarts.pending).toBe(1);
    restarts.stop();
    restarts.died(1, () => (restarted += 1));
    clock.advance(60_000);
    expect(restarted).toBe(0);
    expect(restarts.pending).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
