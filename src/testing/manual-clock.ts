import type { Clock } from '../core/clock.ts';

/** Test support: a clock that moves only when told to, firing due timers in order. */
export class ManualClock implements Clock {
  #nowMs = 1_000_000;
  #timers: { dueMs: number; fn: () => void; cancelled: boolean }[] = [];

  nowMs(): number {
    return this.#nowMs;
  }

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer = { dueMs: this.#nowMs + delayMs, fn, cancelled: false };
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves time forward by `ms`, running every timer that falls due. */
  advance(ms: number): void {
    const target = this.#nowMs + ms;
    for (;;) {
      const due = this.#timers.filter((t) => !t.cancelled && t.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs)[0];
      if (due === undefined) break;
      this.#nowMs = due.dueMs;
      due.cancelled = true;
      due.fn();
    }
    this.#nowMs = target;
    this.#timers = this.#timers.filter((t) => !t.cancelled);
  }
}
