import type { BackoffPolicy } from './handler.ts';

/**
 * Exponential backoff with full jitter: the delay before the next attempt, after `attemptsMade`
 * attempts (≥ 1), is uniform in `[0, min(capMs, baseMs · 2^(attemptsMade-1)))`. Spreading retries over
 * the whole window keeps many failing jobs from retrying in lockstep against a receiver that is down.
 * `random` returns [0, 1) (injected in tests).
 */
export function backoffDelayMs(attemptsMade: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeilingMs(attemptsMade, policy));
}

/** The upper bound of the delay after `attemptsMade` attempts. */
export function backoffCeilingMs(attemptsMade: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(attemptsMade, 1) - 1, 40);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}
