import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config.ts';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../store/database.ts';
import { closeRedis, openRedis, type Redis } from '../../store/redis.ts';
import { capturingLogger } from '../../testing/runtime-fakes/index.ts';
import { createAbuseGuards } from './abuse-guards.ts';
import { RedisRateCounter } from './redis-rate-counter.ts';

const redisUrl = process.env.REDIS_URL;

describe('when Redis does not answer', () => {
  it('starts anyway, counts in this process and logs the outage at error level', async () => {
    const { logger, lines } = capturingLogger('info');
    const guards = await createAbuseGuards({
      config: parseConfig({}).security,
      redisUrl: 'redis://127.0.0.1:1',
      redisKeyPrefix: 'sbtest:',
      db: undefined as unknown as Database, // not queried: only the counters are used
      clock: systemClock,
      logger,
    });
    try {
      expect((await guards.counter.hit('k', 60_000)).count).toBe(1);
      expect((await guards.counter.hit('k', 60_000)).count).toBe(2);
      const errors = lines().filter((line) => line.level === 50);
      expect(errors.map((line) => line.msg)).toContain('rate-limit store (Redis) unavailable: limits are counted per instance until it answers');
    } finally {
      await guards.close();
    }
  });
});

describe.skipIf(redisUrl === undefined || redisUrl === '')('RedisRateCounter on a real Redis', () => {
  let redis: Redis | undefined;
  afterAll(async () => {
    if (redis) await closeRedis(redis);
  });

  it('counts atomically under a burst and expires the window', async () => {
    const { logger } = capturingLogger('info');
    redis = await openRedis({ url: redisUrl ?? '', logger });
    const prefix = `sbtest:${randomUUID()}:`;
    const counter = new RedisRateCounter(redis, prefix);
    const hits = await Promise.all(Array.from({ length: 50 }, () => counter.hit('burst', 60_000)));
    expect(hits.map((hit) => hit.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(hits.every((hit) => hit.resetInMs > 0 && hit.resetInMs <= 60_000)).toBe(true);
    const ttl = await redis.pttl(`${prefix}burst`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
