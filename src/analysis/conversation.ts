/**
 * Talk ratio and interruptions of a two-party call, from each side's speech turns (a recogniser's turn
 * timings, or the segments of one speech analyser per side on a shared clock).
 */

import type { ConversationMetrics, ConversationSide, ConversationTurn, SpeechAnalyser } from './types.ts';

/** Overlap shorter than this at a turn's start is a back-channel or a VAD edge, not an interruption. */
const DEFAULT_MIN_OVERLAP_MS = 300;

export interface ConversationOptions {
  /** Default 300 ms. */
  readonly minOverlapMs?: number;
}

interface Interval {
  readonly startMs: number;
  readonly endMs: number;
}

/** Sorted, merged intervals of one side. */
function mergeSide(turns: readonly ConversationTurn[], side: ConversationSide): Interval[] {
  const own = turns.filter((turn) => turn.side === side && turn.endMs > turn.startMs).sort((a, b) => a.startMs - b.startMs);
  const merged: { startMs: number; endMs: number }[] = [];
  for (const turn of own) {
    const last = merged.at(-1);
    if (last && turn.startMs <= last.endMs) last.endMs = Math.max(last.endMs, turn.endMs);
    else merged.push({ startMs: turn.startMs, endMs: turn.endMs });
  }
  return merged;
}

function total(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, interval) => sum + interval.endMs - interval.startMs, 0);
}

function overlap(a: readonly Interval[], b: readonly Interval[]): number {
  let sum = 0;
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as Interval).endMs <= x.startMs) j++;
    for (let k = j; k < b.length && (b[k] as Interval).startMs < x.endMs; k++) {
      const y = b[k] as Interval;
      sum += Math.max(0, Math.min(x.endMs, y.endMs) - Math.max(x.startMs, y.startMs));
    }
  }
  return sum;
}

/** Turns of `side` that start while the other side is speaking and overlap it by at least `minOverlapMs`. */
function interruptions(own: readonly Interval[], other: readonly Interval[], minOverlapMs: number): number {
  let count = 0;
  for (const turn of own) {
    const interrupted = other.find((o) => o.startMs < turn.startMs && o.endMs > turn.startMs);
    if (!interrupted) continue;
    if (Math.min(interrupted.endMs, turn.endMs) - turn.startMs >= minOverlapMs) count++;
  }
  return count;
}

export function computeConversation(turns: readonly ConversationTurn[], options: ConversationOptions = {}): ConversationMetrics {
  const minOverlapMs = options.minOverlapMs ?? DEFAULT_MIN_OVERLAP_MS;
  const caller = mergeSide(turns, 'caller');
  const agent = mergeSide(turns, 'agent');
  const callerMs = total(caller);
  const agentMs = total(agent);
  const both = callerMs + agentMs;
  const overlapMs = overlap(caller, agent);
  const all = [...caller, ...agent];
  const first = Math.min(...all.map((i) => i.startMs));
  const last = Math.max(...all.map((i) => i.endMs));
  const silenceMs = all.length === 0 ? 0 : last - first - (both - overlapMs);
  return {
    caller: { talkMs: callerMs, talkRatio: both > 0 ? callerMs / both : null, interruptions: interruptions(caller, agent, minOverlapMs) },
    agent: { talkMs: agentMs, talkRatio: both > 0 ? agentMs / both : null, interruptions: interruptions(agent, caller, minOverlapMs) },
    overlapMs,
    silenceMs,
  };
}

/** Conversation metrics from one analyser per side (both fed on the same clock from the call's start). */
export function conversationFromAnalysers(caller: SpeechAnalyser, agent: SpeechAnalyser, options: ConversationOptions = {}): ConversationMetrics {
  const turns: ConversationTurn[] = [
    ...caller.segments().map((s) => ({ side: 'caller' as const, startMs: s.startMs, endMs: s.endMs })),
    ...agent.segments().map((s) => ({ side: 'agent' as const, startMs: s.startMs, endMs: s.endMs })),
  ];
  return computeConversation(turns, options);
}
