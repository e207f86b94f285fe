import { z } from 'zod';

const integer = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The environment variables of post-call analysis (docs/analysis.md); spread into the config schema. */
export const analysisEnvShape = {
  ANALYSIS_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  ANALYSIS_REQUEST_TIMEOUT_MS: integer(1_000, 10 * 60_000, 60_000),
  ANALYSIS_MAX_ATTEMPTS: integer(1, 20, 5),
};

type AnalysisEnv = z.infer<z.ZodObject<typeof analysisEnvShape>>;

export interface AnalysisConfig {
  /** The chat model of plans that name none. */
  readonly model: string;
  /** Bound on one chat completion request; an analysis makes up to five (summary, extraction and evaluation, each retried once). */
  readonly requestTimeoutMs: number;
  /** Attempts of a `call-analysis` job (provider errors and timeouts are retried with backoff) before it is dead. */
  readonly maxAttempts: number;
}

export function analysisConfigOf(e: AnalysisEnv): AnalysisConfig {
  return { model: e.ANALYSIS_MODEL, requestTimeoutMs: e.ANALYSIS_REQUEST_TIMEOUT_MS, maxAttempts: e.ANALYSIS_MAX_ATTEMPTS };
}
