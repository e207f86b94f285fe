import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { MemoryRateCounter, type RateCounter, type RateHit } from './rate-counter.ts';
import { FallbackRateCounter } from './redis-rate-counter.ts';

function capturedLogger() {
  const lines: { level: number; msg: string; localHits?: number }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

class SwitchableCounter implements RateCounter {
  down = false;
  readonly inner: MemoryRateCounter;
  constructor(clock: ManualClock) {
    this.inner = new MemoryRateCounter(clock);
  }
  hit(key: string, windowMs: number): Promise<RateHit> {
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : this.inner.hit(key, windowMs);
  }
}

describe('MemoryRateCounter', () => {
  it('counts hits in a fixed window that the first hit opens', async () => {
    const clock = new ManualClock();
    const counter = new MemoryRateCounter(clock);
    expect(await counter.hit('k', 1000)).toEqual({ count: 1, resetInMs: 1000 });
    clock.advance(400);
    expect(await counter.hit('k', 1000)).toEqual({ count: 2, resetInMs: 600 });
    expect(await counter.hit('other', 1000)).toEqual({ count: 1, resetInMs: 1000 });
    clock.advance(600);
    expect(await counter.hit('k', 1000)).toEqual({ count: 1, resetInMs: 1000 });
  });

  it('never holds more than maxKeys counters: expired ones go first, then the oldest', async () => {
    const clock = new ManualClock();
    const counter = new MemoryRateCounter(clock, 3);
    await counter.hit('a', 100);
    await counter.hit('b', 10_000);
    await counter.hit('c', 10_000);
    clock.advance(200);
    await counter.hit('d', 10_000);
    expect(counter.size).toBe(3);
    await counter.hit('e', 10_000);
    expect(counter.size).toBe(3);
    expect((await counter.hit('c', 10_000)).count).toBe(2);
  });
});

describe('FallbackRateCounter', () => {
  it('counts in this process while Redis fails, says so loudly once a minute, and says when it is back', async () => {
    const clock = new ManualClock();
    const primary = new SwitchableCounter(clock);
    const { lines, logger } = capturedLogger();
    const counter = new FallbackRateCounter({ primary, fallback: new MemoryRateCounter(clock), logger, clock });

    expect((await counter.hit('k', 60_000)).count).toBe(1);
    primary.down = true;
    expect((await counter.hit('k', 60_000)).count).toBe(1);
    expect((await counter.hit('k', 60_000)).count).toBe(2);
    expect(counter.degraded).toBe(true);
    expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
    clock.advance(60_000);
    await counter.hit('k', 60_000);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({ msg: 'rate-limit store (Redis) unavailable: limits are counted per instance until it answers', localHits: 3 });

    primary.down = false;
    expect((await counter.hit('k', 60_000)).count).toBe(1);
    expect(counter.degraded).toBe(false);
    expect(lines.at(-1)).toMatchObject({ level: 40, msg: 'rate-limit store (Redis) answers again: limits are shared across instances' });
  });
});
