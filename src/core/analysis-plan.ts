/**
 * What an agent asks to be done with each of its calls once it has ended (docs/analysis.md): a
 * summary, a structured extraction checked against a JSON Schema, a success evaluation, minimum
 * transcript sizes under which the call is skipped, and the domain that turns the extraction into
 * records. Stored in `agents.analysis` and copied into each call's agent snapshot; validated at the
 * API boundary (`src/services/call-analysis/plan-schema.ts`). An empty plan (`{}`) means no analysis.
 */
// Type aliases, not interfaces: a plan is JSON (jsonb), assignable where a JSON object is expected.
export type AnalysisPlan = {
  /** The chat model; `ANALYSIS_MODEL` when absent. */
  readonly model?: string | undefined;
  /** A plain-text summary; `{}` uses the default prompt. */
  readonly summary?: { readonly prompt?: string | undefined } | undefined;
  readonly extraction?: ExtractionPlan | undefined;
  readonly evaluation?: EvaluationPlan | undefined;
  /** Under any of these the call is skipped (with the reason recorded) and no model is called. */
  readonly thresholds?: AnalysisThresholds | undefined;
  /** The domain whose call-analyzed step writes records from the extraction (e.g. `handlehome`). */
  readonly sink?: AnalysisSink | undefined;
};

export type ExtractionPlan = {
  /** The structured output's name (1-64 letters, digits, `_`, `-`); `extraction` when absent. */
  readonly name?: string | undefined;
  /** A JSON Schema whose root is an object; compiled with ajv when the agent is saved. */
  readonly schema: Record<string, unknown>;
  readonly prompt?: string | undefined;
  /**
   * Ask the provider to constrain the output to the schema (OpenAI "strict" structured outputs). When
   * absent: on if the schema meets strict mode's rules (every object closed, every property required).
   * The answer is validated with ajv either way.
   */
  readonly strict?: boolean | undefined;
};

export type EvaluationPlan =
  | { readonly type: 'pass_fail'; readonly criteria: string }
  | { readonly type: 'rubric'; readonly criteria: string; readonly min: number; readonly max: number };

export type AnalysisThresholds = {
  readonly minChars?: number | undefined;
  readonly minWords?: number | undefined;
  readonly minCallerWords?: number | undefined;
};

/** Domains that write records from an extraction. */
export const analysisSinks = ['handlehome'] as const;
export type AnalysisSink = (typeof analysisSinks)[number];

/** HandleHome's minimums: a shorter transcript holds nothing worth extracting. */
export const defaultThresholds = { minChars: 50, minWords: 10, minCallerWords: 5 } as const;

/** Whether the plan asks for any analysis at all (a summary, an extraction or an evaluation). */
export function hasAnalysis(plan: AnalysisPlan | undefined): plan is AnalysisPlan {
  return plan !== undefined && (plan.summary !== undefined || plan.extraction !== undefined || plan.evaluation !== undefined);
}
