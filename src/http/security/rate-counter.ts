import type { Clock } from '../../core/clock.ts';

/** One counted event: how many events the key has seen in its current window, and when that window ends. */
export interface RateHit {
  readonly count: number;
  readonly resetInMs: number;
}

/**
 * Fixed-window event counters shared by every limit: the first hit of a key opens a window of
 * `windowMs`; hits are counted until it ends. Implementations count atomically, so under a burst
 * exactly `max` callers see `count <= max`.
 */
export interface RateCounter {
  hit(key: string, windowMs: number): Promise<RateHit>;
}

interface Window {
  count: number;
  endsAtMs: number;
}

/**
 * Counters in this process. Expired windows are swept when the map grows past `maxKeys`; if it is
 * still full after the sweep the oldest key is dropped (an attacker cycling through IPs can only
 * forget old counters, never grow memory without bound).
 */
export class MemoryRateCounter implements RateCounter {
  readonly #clock: Clock;
  readonly #maxKeys: number;
  readonly #windows = new Map<string, Window>();

  constructor(clock: Clock, maxKeys = 100_000) {
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#windows.size;
  }

  hit(key: string, windowMs: number): Promise<RateHit> {
    const now = this.#clock.nowMs();
    let window = this.#windows.get(key);
    if (window === undefined || window.endsAtMs <= now) {
      if (window === undefined && this.#windows.size >= this.#maxKeys) this.#makeRoom(now);
      window = { count: 0, endsAtMs: now + windowMs };
      this.#windows.delete(key);
      this.#windows.set(key, window);
    }
    window.count += 1;
    return Promise.resolve({ count: window.count, resetInMs: window.endsAtMs - now });
  }

  #makeRoom(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.endsAtMs <= now) this.#windows.delete(key);
    }
    if (this.#windows.size < this.#maxKeys) return;
    const oldest = this.#windows.keys().next();
    if (oldest.done !== true) this.#windows.delete(oldest.value);
  }
}
