import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/manual-clock.ts';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('allows a burst up to capacity, then refills at the rate', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, capacity: 20, clock });
    let taken = 0;
    while (bucket.take()) taken += 1;
    expect(taken).toBe(20);
    clock.advance(100);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    clock.advance(60_000);
    expect(bucket.take(20)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it('takes weighted amounts (bytes) and refuses more than it holds without spending any', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1000, capacity: 1000, clock });
    expect(bucket.take(1500)).toBe(false);
    expect(bucket.take(600)).toBe(true);
    expect(bucket.take(600)).toBe(false);
    expect(bucket.take(400)).toBe(true);
  });
});
