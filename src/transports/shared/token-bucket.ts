import type { Clock } from '../../core/clock.ts';

/**
 * A token bucket: `take(n)` succeeds while the bucket holds `n` tokens; it refills continuously at
 * `ratePerSecond` up to `capacity`. Time comes from the injected clock, so tests can drive it.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  readonly #clock: Clock;
  #tokens: number;
  #lastMs: number;

  constructor(params: { readonly ratePerSecond: number; readonly capacity: number; readonly clock: Clock }) {
    this.#ratePerMs = params.ratePerSecond / 1000;
    this.#capacity = params.capacity;
    this.#clock = params.clock;
    this.#tokens = params.capacity;
    this.#lastMs = params.clock.nowMs();
  }

  /** Takes `count` tokens if available; returns whether it did. */
  take(count = 1): boolean {
    const now = this.#clock.nowMs();
    const elapsedMs = Math.max(0, now - this.#lastMs);
    this.#lastMs = now;
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsedMs * this.#ratePerMs);
    if (this.#tokens < count) return false;
    this.#tokens -= count;
    return true;
  }
}
