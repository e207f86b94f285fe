/**
 * The metrics of `computeConversation` (talk time and ratio, interruptions, overlap, shared silence)
 * computed as a call goes, in bounded memory: each side's speech arrives as intervals on the call
 * clock, and `advance(ms)` declares that neither side will add speech before `ms` any more (each side
 * knows its own speech only with some delay: a VAD decides a turn ended after a pause, agent audio is
 * final once played). Time before that watermark is folded into counters and forgotten; only the
 * intervals still reaching past it (plus `minOverlapMs`) are held. Given the same turns, the result
 * equals `computeConversation`'s.
 *
 * Speech added before the watermark (late) only counts from the watermark on.
 */

import type { ConversationMetrics, ConversationSide } from './types.ts';

const DEFAULT_MIN_OVERLAP_MS = 300;

interface Span {
  startMs: number;
  endMs: number;
}

class SideState {
  /** Sorted, merged, each reaching past `swept − minOverlapMs`. */
  readonly spans: Span[] = [];
  talkMs = 0;
  interruptions = 0;

  add(startMs: number, endMs: number): void {
    const last = this.spans.at(-1);
    if (last !== undefined && startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, endMs);
      return;
    }
    if (last !== undefined && startMs < last.startMs) return; // out of order: the side's own turns come in order
    this.spans.push({ startMs, endMs });
  }

  /** The span containing `ms` strictly after its start, if any. */
  speakingAt(ms: number): Span | undefined {
    return this.spans.find((span) => span.startMs < ms && span.endMs > ms);
  }
}

/** Measure of `spans` inside [from, to). */
function covered(spans: readonly Span[], from: number, to: number): number {
  let sum = 0;
  for (const span of spans) sum += Math.max(0, Math.min(span.endMs, to) - Math.max(span.startMs, from));
  return sum;
}

/** Measure of the intersection of two sorted, merged span lists inside [from, to). */
function coveredByBoth(a: readonly Span[], b: readonly Span[], from: number, to: number): number {
  let sum = 0;
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.startMs, y.startMs, from);
      const end = Math.min(x.endMs, y.endMs, to);
      if (end > start) sum += end - start;
    }
  }
  return sum;
}

export class ConversationStream {
  readonly #minOverlapMs: number;
  readonly #sides: Record<ConversationSide, SideState> = { caller: new SideState(), agent: new SideState() };
  #swept = Number.NEGATIVE_INFINITY;
  #overlapMs = 0;
  #firstMs = Number.POSITIVE_INFINITY;
  #lastMs = Number.NEGATIVE_INFINITY;

  constructor(options: { readonly minOverlapMs?: number } = {}) {
    this.#minOverlapMs = options.minOverlapMs ?? DEFAULT_MIN_OVERLAP_MS;
  }

  /** Intervals held (bounded by the speech within `minOverlapMs` of the watermark and ahead of it). */
  get heldSpans(): number {
    return this.#sides.caller.spans.length + this.#sides.agent.spans.length;
  }

  /** One side spoke over [startMs, endMs) on the call clock; a side's intervals come in time order. */
  add(side: ConversationSide, startMs: number, endMs: number): void {
    const start = Math.max(startMs, this.#swept);
    if (!(endMs > start) || !Number.isFinite(start) || !Number.isFinite(endMs)) return;
    this.#sides[side].add(start, endMs);
  }

  /** Nothing more will be added before `ms`: folds the time before it into the counters. */
  advance(ms: number): void {
    if (!(ms > this.#swept)) return;
    const from = this.#swept;
    const { caller, agent } = this.#sides;
    for (const side of [caller, agent]) {
      side.talkMs += covered(side.spans, from, ms);
      for (const span of side.spans) {
        if (span.startMs < ms) this.#firstMs = Math.min(this.#firstMs, span.startMs);
        if (span.startMs < ms) this.#lastMs = Math.max(this.#lastMs, Math.min(span.endMs, ms));
      }
    }
    this.#overlapMs += coveredByBoth(caller.spans, agent.spans, from, ms);
    // A turn is judged once `minOverlapMs` after its start is known: did it start inside the other
    // side's speech, and did both go on for `minOverlapMs`?
    for (const [own, other] of [
      [caller, agent],
      [agent, caller],
    ] as const) {
      for (const span of own.spans) {
        const judgedAt = span.startMs + this.#minOverlapMs;
        if (judgedAt <= from || judgedAt > ms) continue;
        const interrupted = other.speakingAt(span.startMs);
        if (interrupted !== undefined && Math.min(interrupted.endMs, span.endMs) - span.startMs >= this.#minOverlapMs) own.interruptions++;
      }
    }
    this.#swept = ms;
    // Forget spans that can no longer be counted, judged or interrupted into.
    const horizon = ms - this.#minOverlapMs;
    for (const side of [caller, agent]) {
      let drop = 0;
      while (drop < side.spans.length && (side.spans[drop] as Span).endMs <= horizon) drop++;
      if (drop > 0) side.spans.splice(0, drop);
    }
  }

  /** The metrics so far, counting everything added (call `advance` to the end first for final figures). */
  metrics(): ConversationMetrics {
    const { caller, agent } = this.#sides;
    const both = caller.talkMs + agent.talkMs;
    const spanMs = this.#lastMs > this.#firstMs ? this.#lastMs - this.#firstMs : 0;
    return {
      caller: { talkMs: caller.talkMs, talkRatio: both > 0 ? caller.talkMs / both : null, interruptions: caller.interruptions },
      agent: { talkMs: agent.talkMs, talkRatio: both > 0 ? agent.talkMs / both : null, interruptions: agent.interruptions },
      overlapMs: this.#overlapMs,
      silenceMs: spanMs === 0 ? 0 : spanMs - (both - this.#overlapMs),
    };
  }

  /** Advances past every interval held and returns the final metrics. */
  finish(): ConversationMetrics {
    let end = this.#swept;
    for (const side of [this.#sides.caller, this.#sides.agent]) for (const span of side.spans) end = Math.max(end, span.endMs + this.#minOverlapMs);
    this.advance(end);
    return this.metrics();
  }
}
