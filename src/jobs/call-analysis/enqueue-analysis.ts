import { hasAnalysis, type AnalysisPlan } from '../../core/analysis-plan.ts';
import type { Executor } from '../../store/database.ts';
import type { JobRow, JsonObject } from '../../store/schema/jobs.ts';
import type { CallEndedStep } from '../call-lifecycle-handlers.ts';
import { enqueue } from '../queue.ts';
import { callAnalysisJobKind } from './call-analyzed.ts';

/** The idempotency key of a call's automatic analysis: one per call, however often the call-ended job runs. */
export function callAnalysisKey(callId: string): string {
  return `${callAnalysisJobKind}:${callId}`;
}

/**
 * The call-ended step that enqueues one `call-analysis` job per ended call whose agent snapshot has
 * a plan (a summary, an extraction or an evaluation); calls of agents without one get no job.
 */
export function enqueueCallAnalysis(options: { maxAttempts: number }): CallEndedStep {
  return async (tx, call, at) => {
    if (!hasAnalysis(call.agentSnapshot.analysis)) return;
    await enqueue(tx, {
      tenantId: call.tenantId,
      callId: call.id,
      kind: callAnalysisJobKind,
      payload: { callId: call.id },
      idempotencyKey: callAnalysisKey(call.id),
      maxAttempts: options.maxAttempts,
      at,
    });
  };
}

/**
 * Enqueues a new analysis of a call (a re-run), with its own idempotency key, following `plan` when
 * given (e.g. the agent's current plan) and the call's snapshot otherwise.
 */
export async function enqueueAnalysisRerun(
  tx: Executor,
  params: { tenantId: string; callId: string; rerunId: string; plan?: AnalysisPlan | undefined; maxAttempts: number; at: Date },
): Promise<JobRow> {
  // A plan is JSON already; the round trip drops `undefined` members so it fits the payload's JSON type.
  const payload: JsonObject = params.plan === undefined ? { callId: params.callId } : { callId: params.callId, plan: JSON.parse(JSON.stringify(params.plan)) as JsonObject };
  const { job } = await enqueue(tx, {
    tenantId: params.tenantId,
    callId: params.callId,
    kind: callAnalysisJobKind,
    payload,
    idempotencyKey: `${callAnalysisKey(params.callId)}:rerun:${params.rerunId}`,
    maxAttempts: params.maxAttempts,
    at: params.at,
  });
  return job;
}
