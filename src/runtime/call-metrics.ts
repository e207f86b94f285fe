/**
 * The measured side of one call: usage and latency reducers behind one small holder, so the session
 * and its conversation record into the same totals. Observes only; nothing here steers the call.
 */
import { initialLatencyState, reduceLatency, summarizeLatency, type LatencyEvent, type LatencyState } from './latency.ts';
import type { CallUsageTotals, LatencyTotals } from './ports.ts';
import { emptyUsage, reduceUsage, roundUsage, type UsageEvent } from './usage.ts';

/** Running usage and latency of one call. */
export class CallMetrics {
  #usage: CallUsageTotals = emptyUsage;
  #latency: LatencyState = initialLatencyState;

  recordUsage(event: UsageEvent): void {
    this.#usage = reduceUsage(this.#usage, event);
  }

  recordLatency(event: LatencyEvent): void {
    this.#latency = reduceLatency(this.#latency, event);
  }

  /** Totals so far, audio rounded to integer ms. */
  usage(): CallUsageTotals {
    return roundUsage(this.#usage);
  }

  latency(): LatencyTotals {
    return summarizeLatency(this.#latency);
  }
}
