import type { FeedbackItem } from './types.ts';

/**
 * Throttles live feedback by the session's feedback frequency: at most one batch every
 * `intervalMs` of audio, and a rule that already fired stays quiet for `repeatAfterMs` unless it
 * got more severe. Time is the audio's own (milliseconds of stream), so a client sending faster or
 * slower than real time gets the same feedback for the same speech.
 */
export class FeedbackThrottle {
  readonly #intervalMs: number;
  readonly #repeatAfterMs: number;
  #lastEmitMs = Number.NEGATIVE_INFINITY;
  readonly #lastByRule = new Map<string, { atMs: number; severity: FeedbackItem['severity'] }>();

  constructor(options: { intervalMs: number; repeatAfterMs?: number }) {
    this.#intervalMs = options.intervalMs;
    this.#repeatAfterMs = options.repeatAfterMs ?? 3 * options.intervalMs;
  }

  /** Whether a batch may go out at `atMs` (the caller then analyses and calls {@link take}). */
  due(atMs: number): boolean {
    return atMs - this.#lastEmitMs >= this.#intervalMs;
  }

  /** The items to send now (possibly none); records them as sent. */
  take(items: readonly FeedbackItem[], atMs: number): FeedbackItem[] {
    if (!this.due(atMs)) return [];
    const rank = { info: 0, warning: 1, critical: 2 } as const;
    const fresh = items.filter((item) => {
      const last = this.#lastByRule.get(item.rule);
      return last === undefined || atMs - last.atMs >= this.#repeatAfterMs || rank[item.severity] > rank[last.severity];
    });
    if (fresh.length === 0) return [];
    this.#lastEmitMs = atMs;
    for (const item of fresh) this.#lastByRule.set(item.rule, { atMs, severity: item.severity });
    return fresh;
  }
}
