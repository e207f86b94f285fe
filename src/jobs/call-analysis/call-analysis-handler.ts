import { z } from 'zod';
import { hasAnalysis, type AnalysisPlan } from '../../core/analysis-plan.ts';
import { analysisPlanSchema } from '../../services/call-analysis/plan-schema.ts';
import type { EmittedEvent, WebhookEvents } from '../../services/webhooks/events.ts';
import type { Executor } from '../../store/database.ts';
import type { CallAnalysisRow } from '../../store/schema/call-analyses.ts';
import { upsertCallAnalysis, type NewCallAnalysis } from '../../store/queries/call-analyses.ts';
import { getCall } from '../../store/queries/calls.ts';
import { listTranscript } from '../../store/queries/transcript-items.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import type { JsonObject } from '../../store/schema/jobs.ts';
import { callAnalyzedData } from '../call-event-data.ts';
import { defineJobHandler, JobFailure, type JobContext, type JobHandler, type JobOutcome } from '../handler.ts';
import type { CallAnalyst } from './call-analyst.ts';
import { callAnalysisJobKind, type CallAnalyzedStep } from './call-analyzed.ts';
import { transcriptText } from './prompts.ts';
import { measureTranscript, tooShortReason, type TranscriptSize } from './transcript-size.ts';

export interface CallAnalysisHandlerDeps {
  /** `undefined` when `OPENAI_API_KEY` is not set: every analysis that needs the model then fails with that reason. */
  readonly analyst: CallAnalyst | undefined;
  readonly webhooks: WebhookEvents;
  readonly onCallAnalyzed?: readonly CallAnalyzedStep[] | undefined;
  /** Bound on one attempt (all of its model requests). */
  readonly timeoutMs: number;
}

const payloadSchema = z.object({
  callId: z.uuid(),
  /** A re-run may follow another plan than the call's (the agent's current one). */
  plan: analysisPlanSchema.optional(),
});
type Payload = z.infer<typeof payloadSchema>;

export const missingKeyReason = 'OPENAI_API_KEY is needed for post-call analysis: set it (and OPENAI_BASE_URL for a compatible server), then retry the job';

function toJson(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/** The plan this run follows: the payload's, else the call's snapshot, validated again (it may predate validation). */
function planOf(payload: Payload, call: CallRow): AnalysisPlan | undefined {
  if (payload.plan !== undefined) return payload.plan;
  const snapshot = call.agentSnapshot.analysis;
  if (snapshot === undefined) return undefined;
  const parsed = analysisPlanSchema.safeParse(snapshot);
  if (!parsed.success) {
    throw new JobFailure(`the agent's analysis plan is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * The `call-analysis` job (docs/analysis.md): skips a call under the plan's thresholds (recording the
 * reason), otherwise asks the model for the plan's summary, extraction and evaluation, and stores the
 * analysis, emits `call.analyzed` and runs the call-analyzed steps in one transaction with the job's
 * success. An answer that does not fit its schema after one retry fails the job and writes nothing.
 */
export function callAnalysisHandler(deps: CallAnalysisHandlerDeps): JobHandler {
  return defineJobHandler({
    kind: callAnalysisJobKind,
    payload: payloadSchema,
    timeoutMs: deps.timeoutMs,
    async run(ctx) {
      const scope = { tenantId: ctx.job.tenantId, callId: ctx.payload.callId };
      const call = await getCall(ctx.db, scope);
      if (!call) return { status: 'skipped', reason: 'the call was deleted' };
      const plan = planOf(ctx.payload, call);
      if (!hasAnalysis(plan)) return { status: 'skipped', reason: 'the agent has no analysis plan' };
      const transcript = await listTranscript(ctx.db, scope);
      const size = measureTranscript(transcript);
      const short = call.startedAt === null ? 'the call never connected' : tooShortReason(size, plan.thresholds);
      if (short !== undefined) return skip(ctx, deps, call, plan, short, size);
      if (!deps.analyst) throw new JobFailure(missingKeyReason);
      const result = await deps.analyst.analyze(plan, transcriptText(transcript), ctx.signal);
      if (!result.ok) {
        throw new JobFailure(`the model's ${result.invalid.part} does not fit the schema after one retry: ${result.invalid.errors.join('; ')}`);
      }
      const { output } = result;
      const at = new Date(ctx.clock.nowMs());
      return ctx.commit(async (tx) => {
        const stored = await upsertCallAnalysis(tx, {
          ...base(ctx, call, plan, at),
          status: 'succeeded',
          summary: output.summary,
          extraction: output.extraction === null ? null : toJson(output.extraction),
          evaluation: output.evaluation === null ? null : toJson(output.evaluation),
          model: output.model,
          usage: output.usage,
        });
        const emitted = await emit(ctx, deps, tx, call, stored);
        const event = { call, transcript, analysis: { summary: output.summary, extraction: output.extraction, evaluation: output.evaluation }, plan, at };
        for (const step of deps.onCallAnalyzed ?? []) await step(tx, event);
        return { status: 'succeeded', result: { analysisId: stored.id, model: output.model, usage: { ...output.usage }, eventId: emitted.eventId } };
      });
    },
  });
}

function base(ctx: JobContext<Payload>, call: CallRow, plan: AnalysisPlan, at: Date): Omit<NewCallAnalysis, 'status' | 'summary' | 'extraction' | 'evaluation' | 'model' | 'usage'> {
  return { tenantId: call.tenantId, callId: call.id, jobId: ctx.job.id, reason: null, plan, analyzedAt: at };
}

function emit(ctx: JobContext<Payload>, deps: CallAnalysisHandlerDeps, tx: Executor, call: CallRow, stored: CallAnalysisRow): Promise<EmittedEvent> {
  return deps.webhooks.emitEvent(tx, call.tenantId, {
    type: 'call.analyzed',
    callId: call.id,
    data: callAnalyzedData(call, stored),
    // One event per run: a re-run (its own idempotency key) reports its new analysis.
    dedupeKey: `call.analyzed:${ctx.idempotencyKey}`,
  });
}

/** Records a skipped analysis (row and job result) and reports it; the call-analyzed steps do not run. */
function skip(
  ctx: JobContext<Payload>,
  deps: CallAnalysisHandlerDeps,
  call: CallRow,
  plan: AnalysisPlan,
  reason: string,
  size: TranscriptSize,
): Promise<JobOutcome> {
  const at = new Date(ctx.clock.nowMs());
  return ctx.commit(async (tx) => {
    const stored = await upsertCallAnalysis(tx, { ...base(ctx, call, plan, at), status: 'skipped', reason, summary: null, extraction: null, evaluation: null, model: null, usage: null });
    await emit(ctx, deps, tx, call, stored);
    ctx.logger.info({ callId: call.id, ...size }, 'call analysis skipped');
    return { status: 'skipped', reason };
  });
}
