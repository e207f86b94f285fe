import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs } from './backoff.ts';

const policy = { baseMs: 1_000, capMs: 60_000 };

describe('exponential backoff with full jitter', () => {
  it('doubles the ceiling after each attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 30].map((n) => backoffCeilingMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('draws the delay uniformly below the ceiling (the whole window, not a fixed delay plus noise)', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(2_000);
    expect(backoffDelayMs(3, policy, () => 0.999_999)).toBe(3_999);
    expect(backoffDelayMs(40, policy, () => 0.5)).toBe(30_000);
  });

  it('spreads many retries of the same attempt over the window', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 1_000 }, () => backoffDelayMs(5, policy, random));
    expect(Math.min(...delays)).toBeLessThan(1_000);
    expect(Math.max(...delays)).toBeGreaterThan(15_000);
    expect(delays.every((d) => d >= 0 && d < 16_000)).toBe(true);
  });
});
