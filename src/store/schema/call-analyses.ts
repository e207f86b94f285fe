import { jsonb, pgEnum, pgTable, text, uniqueIndex, uuid, index } from 'drizzle-orm/pg-core';
import type { AnalysisPlan } from '../../core/analysis-plan.ts';
import { instant, lifecycleColumns } from './columns.ts';
import { calls } from './calls.ts';
import type { JsonObject } from './jobs.ts';
import { tenants } from './tenants.ts';

/**
 * `succeeded`: the model's outputs are stored; `skipped`: the transcript was under the plan's
 * thresholds (`reason` says which). A run that fails writes nothing: its job holds the reason.
 */
export const callAnalysisStatus = pgEnum('call_analysis_status', ['succeeded', 'skipped']);

/** Tokens spent on one analysis, summed over its requests (retries included). */
export interface AnalysisUsage {
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/**
 * The latest finished analysis of a call (docs/analysis.md): one row per call, replaced by a re-run.
 * Written in the transaction that records its job's success, with the `call.analyzed` event and the
 * call-analyzed steps' records.
 */
export const callAnalyses = pgTable(
  'call_analyses',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    /** The `call-analysis` job that produced it. */
    jobId: uuid('job_id').notNull(),
    status: callAnalysisStatus('status').notNull(),
    reason: text('reason'),
    summary: text('summary'),
    extraction: jsonb('extraction').$type<JsonObject>(),
    evaluation: jsonb('evaluation').$type<JsonObject>(),
    /** The chat model used; null when skipped. */
    model: text('model'),
    usage: jsonb('usage').$type<AnalysisUsage>(),
    /** The plan it followed (the call's, or the agent's at a re-run). */
    plan: jsonb('plan').$type<AnalysisPlan>().notNull(),
    analyzedAt: instant('analyzed_at').notNull(),
    ...lifecycleColumns,
  },
  (t) => [uniqueIndex('call_analyses_call_key').on(t.callId), index('call_analyses_tenant_idx').on(t.tenantId, t.analyzedAt)],
);

export type CallAnalysisRow = typeof callAnalyses.$inferSelect;
export type CallAnalysisStatus = (typeof callAnalysisStatus.enumValues)[number];
