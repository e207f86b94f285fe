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
  /** Caller audio, summed here rather than reduced: it arrives every 20 ms and the sum is all that is kept. */
  #inputAudioMs = 0;

  recordUsage(event: UsageEvent): void {
    this.#usage = reduceUsage(this.#usage, event);
  }

  /** Caller audio received; the same as `recordUsage({ type: 'input_audio', ms })` without a new totals object per frame. */
  recordInputAudio(ms: number): void {
    this.#inputAudioMs += ms;
  }

  recordLatency(event: LatencyEvent): void {
    this.#latency = reduceLatency(this.#latency, event);
  }

  /** Totals so far, audio rounded to integer ms. */
  usage(): CallUsageTotals {
    return roundUsage(reduceUsage(this.#usage, { type: 'input_audio', ms: this.#inputAudioMs }));
  }

  latency(): LatencyTotals {
    return summarizeLatency(this.#latency);
  }
}
