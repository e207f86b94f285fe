import type { AnalysisPlan } from '../../core/analysis-plan.ts';
import type { Executor } from '../../store/database.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import type { TranscriptItemRow } from '../../store/schema/transcript-items.ts';

/** The job kind that analyses one ended call (docs/analysis.md). */
export const callAnalysisJobKind = 'call-analysis';

/** What the call-analyzed steps get: the call, its stored turns, and what the analysis produced. */
export interface CallAnalyzedEvent {
  /** Includes `agentSnapshot` (the agent at call time) and `tenantId`. */
  readonly call: CallRow;
  /** The stored turns, in order. */
  readonly transcript: readonly TranscriptItemRow[];
  /** The extraction has passed the plan's JSON Schema (ajv); the evaluation is `{ type, passed | score, reason }`. */
  readonly analysis: {
    readonly summary: string | null;
    readonly extraction: Record<string, unknown> | null;
    readonly evaluation: Record<string, unknown> | null;
  };
  /** The plan this analysis followed: the call's (`agentSnapshot.analysis`), or the agent's current one at a re-run. Read `plan.sink` here. */
  readonly plan: AnalysisPlan;
  readonly at: Date;
}

/**
 * Work done with a successful analysis (HandleHome's customer and order records…): runs inside the
 * transaction that stores the analysis, emits `call.analyzed` and records the job's success. Use only
 * `tx`. A step that throws rolls all of it back — no analysis row, no event, no records — and the job
 * is retried with backoff (a `JobFailure` with `retryable: false` fails it at once). A re-run of the
 * analysis runs the steps again: key what they write (by call id) so a second run updates, not duplicates.
 * Steps run for succeeded analyses only, never for a skipped call.
 */
export type CallAnalyzedStep = (tx: Executor, event: CallAnalyzedEvent) => Promise<void>;
