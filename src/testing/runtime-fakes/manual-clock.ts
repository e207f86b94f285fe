import type { Clock } from '../../core/clock.ts';

interface ScheduledTimer {
  readonly id: number;
  readonly dueAtMs: number;
  readonly fn: () => void;
}

/**
 * A {@link Clock} that only moves when a test says so. `advance(ms)` fires every timer that falls due,
 * in due-time order (ties in scheduling order), with `nowMs()` set to each timer's due time while it
 * runs; timers scheduled by a firing timer fire too if they fall within the advance.
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

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer: ScheduledTimer = { id: this.#nextId++, dueAtMs: this.#nowMs + Math.max(0, delayMs), fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Due times of the pending timers, soonest first (absolute clock ms). */
  get pendingDueTimes(): number[] {
    return this.#sorted().map((t) => t.dueAtMs);
  }

  /** Moves time forward by `ms`, firing the timers that fall due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.#nowMs + ms);
  }

  /** Moves time forward to `atMs` (never backwards), firing the timers that fall due on the way. */
  advanceTo(atMs: number): void {
    for (;;) {
      const next = this.#sorted()[0];
      if (next === undefined || next.dueAtMs > atMs) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#nowMs = Math.max(this.#nowMs, next.dueAtMs);
      next.fn();
    }
    this.#nowMs = Math.max(this.#nowMs, atMs);
  }

  #sorted(): ScheduledTimer[] {
    return [...this.#timers].sort((a, b) => a.dueAtMs - b.dueAtMs || a.id - b.id);
  }
}
