import { z } from 'zod';
import type { CallAnalysisView } from '../../jobs/call-analysis/call-analyses.ts';
import { jobSchema, toJobDto } from '../jobs/schemas.ts';

const isoInstant = z.iso.datetime({ offset: true });
const jsonObject = z.record(z.string(), z.unknown());

export const rerunAnalysisBody = z
  .strictObject({
    plan: z
      .enum(['call', 'agent'])
      .default('call')
      .describe('`call`: the plan the call ran with (its agent snapshot); `agent`: the agent’s current plan'),
  })
  .nullish();

export const callAnalysisSchema = z
  .object({
    callId: z.uuid(),
    status: z
      .enum(['pending', 'running', 'succeeded', 'skipped', 'failed'])
      .describe('The latest run: pending (queued, or waiting for a retry), running, succeeded, skipped (too short), failed (see reason)'),
    reason: z.string().nullable().describe('Why it was skipped or failed; while a run waits for a retry, the error of its last attempt'),
    analysis: z
      .object({
        status: z.enum(['succeeded', 'skipped']),
        reason: z.string().nullable(),
        summary: z.string().nullable(),
        extraction: jsonObject.nullable().describe('Valid against the plan’s JSON Schema'),
        evaluation: jsonObject.nullable().describe('{ type: "pass_fail", passed, reason } or { type: "rubric", min, max, score, reason }'),
        model: z.string().nullable(),
        usage: z.object({ requests: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int(), totalTokens: z.number().int() }).nullable(),
        plan: jsonObject.describe('The analysis plan it followed'),
        analyzedAt: isoInstant,
      })
      .nullable()
      .describe('The result of the last run that finished (a re-run replaces it when it succeeds or is skipped); null before the first'),
    job: jobSchema.nullable().describe('The latest call-analysis job'),
  })
  .describe('CallAnalysis');

export function toCallAnalysisDto(view: CallAnalysisView): z.infer<typeof callAnalysisSchema> {
  const { stored } = view;
  return {
    callId: view.callId,
    status: view.state,
    reason: view.reason,
    analysis:
      stored === null
        ? null
        : {
            status: stored.status,
            reason: stored.reason,
            summary: stored.summary,
            extraction: stored.extraction,
            evaluation: stored.evaluation,
            model: stored.model,
            usage: stored.usage === null ? null : { ...stored.usage },
            plan: stored.plan,
            analyzedAt: stored.analyzedAt.toISOString(),
          },
    job: view.job === null ? null : toJobDto(view.job),
  };
}
