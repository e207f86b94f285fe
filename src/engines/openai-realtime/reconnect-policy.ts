import type { Clock } from '../../core/clock.ts';

/** How often and how fast a lost upstream session is re-opened. */
export interface ReconnectPolicy {
  /** Connection attempts before giving up (the call then fails). */
  readonly maxAttempts: number;
  /** Delay before the second attempt; it doubles for each further one, up to 5 s. The first is immediate. */
  readonly backoffMs: number;
}

const maxBackoffMs = 5_000;

/** Delay before attempt `attempt` (1-based): none for the first, then exponential from `backoffMs`. */
export function backoffDelayMs(policy: ReconnectPolicy, attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(policy.backoffMs * 2 ** (attempt - 2), maxBackoffMs);
}

/** Waits `ms` on the clock; resolves early (never rejects) when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = (): void => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimer(ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}
