/**
 * Order statistics of the benchmarks: the percentiles every latency figure of the call benchmarks is
 * reported in, and the median of the throughput benchmarks' timed batches.
 */
import { round } from './bench-process.ts';

export interface LatencyStats {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/**
 * The value at fraction `q` of ascending `sorted`: the element at index ⌊q·n⌋ (the last for q = 1),
 * undefined when there is none.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number | undefined {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** p50, p90, p99, p99.9 and max of `values` in ms, rounded to µs; NaN everywhere without samples. */
export function latencyStats(values: readonly number[]): LatencyStats {
  if (values.length === 0) return { samples: 0, p50Ms: Number.NaN, p90Ms: Number.NaN, p99Ms: Number.NaN, p999Ms: Number.NaN, maxMs: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => round(quantileOfSorted(sorted, q) ?? Number.NaN);
  return { samples: sorted.length, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), p999Ms: at(0.999), maxMs: round(sorted[sorted.length - 1] ?? Number.NaN) };
}
