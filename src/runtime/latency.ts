/**
 * Per-turn response latency as a pure reducer over runtime events: from the end of the caller's
 * speech to the first assistant audio sent to the caller after it. Audio the caller did not prompt
 * (a greeting, the end-of-call warning) has no turn end before it and is not measured.
 */
import type { LatencyTotals } from './ports.ts';

/** The reducer's state; treat as immutable. */
export interface LatencyState {
  /** End of the caller's last turn not yet answered with audio, or null. */
  readonly pendingTurnEndAtMs: number | null;
  /** One sample per answered turn, in order. */
  readonly samplesMs: readonly number[];
}

export type LatencyEvent =
  /** The caller finished speaking (engine `speech_stopped` or the runtime's own turn detector). */
  | { readonly type: 'caller_turn_ended'; readonly atMs: number }
  /** Assistant audio was handed to the transport. */
  | { readonly type: 'assistant_audio_sent'; readonly atMs: number };

export const initialLatencyState: LatencyState = { pendingTurnEndAtMs: null, samplesMs: [] };

/** Next state after `event`. A later turn end replaces an unanswered earlier one (the caller went on). */
export function reduceLatency(state: LatencyState, event: LatencyEvent): LatencyState {
  switch (event.type) {
    case 'caller_turn_ended':
      return { ...state, pendingTurnEndAtMs: event.atMs };
    case 'assistant_audio_sent': {
      if (state.pendingTurnEndAtMs === null) return state;
      const sampleMs = Math.max(0, event.atMs - state.pendingTurnEndAtMs);
      return { pendingTurnEndAtMs: null, samplesMs: [...state.samplesMs, sampleMs] };
    }
  }
}

/** p50 / p95 (nearest rank), max and mean of the samples, rounded to integer ms; nulls without turns. */
export function summarizeLatency(state: LatencyState): LatencyTotals {
  const sorted = [...state.samplesMs].sort((a, b) => a - b);
  const turns = sorted.length;
  if (turns === 0) return { turns, p50Ms: null, p95Ms: null, maxMs: null, meanMs: null };
  const sum = sorted.reduce((total, ms) => total + ms, 0);
  return {
    turns,
    p50Ms: Math.round(nearestRank(sorted, 0.5)),
    p95Ms: Math.round(nearestRank(sorted, 0.95)),
    maxMs: Math.round(sorted[turns - 1] ?? 0),
    meanMs: Math.round(sum / turns),
  };
}

function nearestRank(sorted: readonly number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? 0;
}
