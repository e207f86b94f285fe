import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Redis } from '../../store/redis.ts';
import type { RateCounter, RateHit } from './rate-counter.ts';

/**
 * INCR and, on the first hit of a window, PEXPIRE, in one atomic script: every instance sharing the
 * Redis sees one counter per key. Returns the count and the window's remaining milliseconds.
 */
const hitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {count, tonumber(ARGV[1])}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** Counters in Redis under `prefix` (e.g. `switchboard:rl:`), shared by every instance. */
export class RedisRateCounter implements RateCounter {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async hit(key: string, windowMs: number): Promise<RateHit> {
    const reply = await this.#redis.eval(hitScript, 1, `${this.#prefix}${key}`, windowMs);
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new Error('unexpected reply from the rate-limit script');
    }
    return { count: reply[0], resetInMs: reply[1] };
  }
}

/** How often a continuing outage is reported again; the first failure is reported at once. */
const REPORT_EVERY_MS = 60_000;

/**
 * Redis when it answers, this process's counters when it does not. The choice when Redis fails is
 * to **degrade, not open or close**: requests keep being served (a limiter must not take the API
 * down with it) and every limit still holds per instance, so login guessing stays bounded at
 * `instances × limit`. The outage is logged at `error` at once and every minute while it lasts,
 * with the number of hits counted locally; recovery is logged at `warn`.
 */
export class FallbackRateCounter implements RateCounter {
  readonly #primary: RateCounter;
  readonly #fallback: RateCounter;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #failingSinceMs: number | null = null;
  #lastReportMs = 0;
  #localHits = 0;

  constructor(deps: { primary: RateCounter; fallback: RateCounter; logger: Logger; clock: Clock }) {
    this.#primary = deps.primary;
    this.#fallback = deps.fallback;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
  }

  /** True while the primary store is failing and limits are counted per instance. */
  get degraded(): boolean {
    return this.#failingSinceMs !== null;
  }

  async hit(key: string, windowMs: number): Promise<RateHit> {
    try {
      const hit = await this.#primary.hit(key, windowMs);
      if (this.#failingSinceMs !== null) this.#recovered();
      return hit;
    } catch (error) {
      this.#failed(error);
      return this.#fallback.hit(key, windowMs);
    }
  }

  #failed(error: unknown): void {
    const now = this.#clock.nowMs();
    this.#failingSinceMs ??= now;
    this.#localHits += 1;
    if (this.#localHits > 1 && now - this.#lastReportMs < REPORT_EVERY_MS) return;
    this.#lastReportMs = now;
    this.#logger.error(
      { err: { message: error instanceof Error ? error.message : String(error) }, failingForMs: now - this.#failingSinceMs, localHits: this.#localHits },
      'rate-limit store (Redis) unavailable: limits are counted per instance until it answers',
    );
  }

  #recovered(): void {
    const failingForMs = this.#clock.nowMs() - (this.#failingSinceMs ?? 0);
    this.#logger.warn({ failingForMs, localHits: this.#localHits }, 'rate-limit store (Redis) answers again: limits are shared across instances');
    this.#failingSinceMs = null;
    this.#localHits = 0;
  }
}
