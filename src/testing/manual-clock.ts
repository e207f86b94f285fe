import type { Clock } from '../core/clock.ts';

interface ScheduledTimer {
  /** Scheduling order: breaks ties between timers due at the same instant. */
  readonly id: number;
  readonly dueAtMs: number;
  readonly fn: () => void;
}

/**
 * A {@link Clock} that only moves when a test says so. `advance(ms)` fires every timer that falls due,
 * in due-time order (ties in scheduling order), with `nowMs()` set to each timer's due time while it
 * runs; timers scheduled by a firing timer fire too if they fall within the advance. Time never moves
 * backwards, and a negative delay is a delay of 0.
 *
 * Timers fire synchronously: to let promise continuations run between steps, `await` something (e.g.
 * the session's `whenIdle()`) after `advance`.
 */
export class ManualClock implements Clock {
  #nowMs: number;
  #timers: ScheduledTimer[] = [];
  #nextId = 1;

  /** Starts at `startMs` (a fixed instant by default, so tests are reproducible). */
  constructor(startMs = Date.UTC(2026, 10, 21, 12, 0, 0)) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  /** The returned function removes the timer; calling it after the timer fired, or twice, does nothing. */
  setTimer(delayMs: number, fn: () => void): () => void {
    const timer: ScheduledTimer = { id: this.#nextId++, dueAtMs: this.#nowMs + Math.max(0, delayMs), fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Timers scheduled and neither fired nor cancelled (for leak checks). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Due times of the pending timers, soonest first (absolute clock ms). */
  get pendingDueTimes(): number[] {
    return [...this.#timers].sort(byDueThenId).map((t) => t.dueAtMs);
  }

  /** Moves time forward by `ms` (a finite number, not negative), firing the timers that fall due on the way. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.advance takes a finite ms >= 0, got ${ms}`);
    this.advanceTo(this.#nowMs + ms);
  }

  /** Moves time forward to `atMs` (an instant already past does nothing), firing the timers that fall due on the way. */
  advanceTo(atMs: number): void {
    for (let next = this.#next(); next !== undefined && next.dueAtMs <= atMs; next = this.#next()) {
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#nowMs = Math.max(this.#nowMs, next.dueAtMs);
      next.fn();
    }
    this.#nowMs = Math.max(this.#nowMs, atMs);
  }

  #next(): ScheduledTimer | undefined {
    let soonest: ScheduledTimer | undefined;
    for (const timer of this.#timers) if (soonest === undefined || byDueThenId(timer, soonest) < 0) soonest = timer;
    return soonest;
  }
}

function byDueThenId(a: ScheduledTimer, b: ScheduledTimer): number {
  return a.dueAtMs - b.dueAtMs || a.id - b.id;
}
