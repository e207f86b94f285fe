import type { Clock } from '../core/clock.ts';

/** How a worker that died is replaced: after a back-off that grows while it keeps dying young. */
export interface RestartPolicy {
  /** Wait before replacing a worker that died (the first time, or after it had been stable). */
  readonly initialDelayMs: number;
  /** The wait doubles with each death in a row, up to this. */
  readonly maxDelayMs: number;
  /** A worker that ran at least this long was stable: its death starts the back-off over. */
  readonly stableAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000 };

interface Slot {
  startedAtMs: number;
  /** The wait before the previous replacement, 0 when the worker in this slot never died. */
  lastDelayMs: number;
  cancel: (() => void) | undefined;
}

/**
 * The restart schedule of the primary's worker slots. Each slot (0 … workers − 1) holds one worker at a
 * time; a replacement inherits its slot's back-off, so one worker crashing in a loop waits longer and
 * longer (1 s, 2 s, 4 s … 30 s) while the others are unaffected.
 */
export class WorkerRestarts {
  readonly #clock: Clock;
  readonly #policy: RestartPolicy;
  readonly #slots = new Map<number, Slot>();
  #stopped = false;

  constructor(clock: Clock, policy: Partial<RestartPolicy> = {}) {
    this.#clock = clock;
    this.#policy = { ...defaultRestartPolicy, ...policy };
  }

  /** A worker started in `slot` (its uptime is measured from now). */
  started(slot: number): void {
    const known = this.#slots.get(slot);
    if (known) known.startedAtMs = this.#clock.nowMs();
    else this.#slots.set(slot, { startedAtMs: this.#clock.nowMs(), lastDelayMs: 0, cancel: undefined });
  }

  /**
   * The worker in `slot` died: `restart` runs after the back-off (never once `stop()` was called).
   * Returns the delay chosen, for the log.
   */
  died(slot: number, restart: () => void): number {
    const now = this.#clock.nowMs();
    const state = this.#slots.get(slot) ?? { startedAtMs: now, lastDelayMs: 0, cancel: undefined };
    this.#slots.set(slot, state);
    const stable = now - state.startedAtMs >= this.#policy.stableAfterMs;
    const delayMs = stable || state.lastDelayMs === 0 ? this.#policy.initialDelayMs : Math.min(this.#policy.maxDelayMs, state.lastDelayMs * 2);
    state.lastDelayMs = delayMs;
    state.cancel?.();
    state.cancel = undefined;
    if (this.#stopped) return delayMs;
    state.cancel = this.#clock.setTimer(delayMs, () => {
      state.cancel = undefined;
      restart();
    });
    return delayMs;
  }

  /** Replacements waiting for their back-off. */
  get pending(): number {
    let count = 0;
    for (const slot of this.#slots.values()) if (slot.cancel) count += 1;
    return count;
  }

  /** Cancels every pending replacement and schedules no more (shutdown). Idempotent. */
  stop(): void {
    this.#stopped = true;
    for (const slot of this.#slots.values()) {
      slot.cancel?.();
      slot.cancel = undefined;
    }
  }
}
