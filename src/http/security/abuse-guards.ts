import type { SecurityConfig } from '../../config/security.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/database.ts';
import { expireUnjoinedCalls } from '../../services/call-expiry.ts';
import { countOpenCalls } from '../../store/queries/open-calls.ts';
import { closeRedis, openRedis } from '../../store/redis.ts';
import { createCallStartLimiter, type CallStartLimiter } from './call-start-limiter.ts';
import { MemoryRateCounter, type RateCounter } from './rate-counter.ts';
import { callJoinRule } from './rate-limit-policies.ts';
import { FallbackRateCounter, RedisRateCounter } from './redis-rate-counter.ts';

/** What the composition root builds once and hands to the HTTP app and the realtime transports. */
export interface AbuseGuards {
  readonly config: SecurityConfig;
  /** Rate counters: Redis (shared by every instance) when `REDIS_URL` is set, else this process. */
  readonly counter: RateCounter;
  /** Realtime `start-call`s per tenant; wrap the call connector with `limitCallStarts`. */
  readonly callStarts: CallStartLimiter;
  /**
   * Open calls of a tenant (or of one of its users), as the concurrent-call caps count them: active
   * and ending calls, and created ones within the join window. Calls nobody joined in time are
   * marked `expired` on the way (a bounded sweep).
   */
  countOpenCalls(tenantId: string, userId?: string): Promise<number>;
  close(): Promise<void>;
}

export interface AbuseGuardsDeps {
  readonly config: SecurityConfig;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A call record older than the duration cap plus this is not a live call but one a crashed instance left open. */
const OPEN_CALL_GRACE_MS = 10 * 60_000;

export async function createAbuseGuards(deps: AbuseGuardsDeps): Promise<AbuseGuards> {
  const { config, clock, logger } = deps;
  const local = new MemoryRateCounter(clock);
  const redis = deps.redisUrl === undefined ? undefined : await openRedis({ url: deps.redisUrl, logger });
  const counter: RateCounter =
    redis === undefined
      ? local
      : new FallbackRateCounter({ primary: new RedisRateCounter(redis, `${deps.redisKeyPrefix}rl:`), fallback: local, logger: logger.child({ component: 'rate-limits' }), clock });
  const liveForMs = config.maxCallDurationS * 1000 + OPEN_CALL_GRACE_MS;
  const joinWindowMs = config.callJoinWindowS * 1000;
  return {
    config,
    counter,
    callStarts: createCallStartLimiter(counter, callJoinRule(config.rateLimits)),
    async countOpenCalls(tenantId, userId) {
      const now = clock.nowMs();
      const createdSince = new Date(now - 2 * liveForMs);
      await expireUnjoinedCalls(deps.db, { tenantId, nowMs: now, joinWindowMs, createdSince });
      return countOpenCalls(deps.db, { tenantId, userId, liveSince: new Date(now - liveForMs), createdSince, joinSince: new Date(now - joinWindowMs) });
    },
    async close() {
      if (redis !== undefined) await closeRedis(redis);
    },
  };
}
