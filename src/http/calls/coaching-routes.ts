import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { CallService } from '../../services/calls.ts';
import type { Database } from '../../store/database.ts';
import { getCallCoachingReport } from '../../store/queries/call-coaching-reports.ts';
import { coachingSchema, toCoaching, toVoiceMetrics, voiceMetricsSchema } from '../aura/coaching-schemas.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { callIdParams } from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

const conversationSideSchema = z.object({
  talkMs: z.number().describe('Time this side spoke'),
  talkRatio: z.number().nullable().describe('This side’s share of both sides’ talk time (0–1); null when nobody spoke'),
  interruptions: z.number().int().describe('Turns this side started while the other was speaking, overlapping it by at least 300 ms'),
});

const conversationSchema = z
  .object({
    caller: conversationSideSchema,
    agent: conversationSideSchema,
    overlapMs: z.number().describe('Time both sides spoke at once'),
    silenceMs: z.number().describe('Time neither spoke, between the first and the last speech'),
  })
  .describe('CallConversation');

const callCoachingSchema = z
  .object({
    callId: z.uuid(),
    language: z.string(),
    createdAt: z.iso.datetime(),
    metrics: voiceMetricsSchema.describe('The caller’s speech over the whole call'),
    coaching: coachingSchema.describe('Rule-based coaching (source "rules")'),
    conversation: conversationSchema.nullable().describe('Talk ratio, interruptions and overlap of both sides (null for reports stored before it was measured)'),
    analysis: z.record(z.string(), z.unknown()).describe('The speech analyser’s full report (docs/speech-analysis.md)'),
  })
  .describe('CallCoachingReport');

/** `GET /v1/calls/:callId/coaching`: the caller's speech report of a call whose agent enables coaching. */
export const callCoachingRoutes: FastifyPluginAsyncZod<{ calls: CallService; db: Database }> = (app, { calls, db }) => {
  app.get(
    '/:callId/coaching',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['calls'],
        summary: 'The caller’s speech coaching report of a call',
        description: 'Stored when the call ends, for calls whose agent has `coaching.enabled`. 404 `coaching_report_not_found` otherwise (or while the call runs).',
        params: callIdParams,
        response: { 200: callCoachingSchema, ...errors },
      },
    },
    async (request) => {
      const call = await calls.get(principalOf(request), request.params.callId);
      const report = await getCallCoachingReport(db, { tenantId: call.tenantId, callId: call.id });
      if (!report) throw new AppError('coaching_report_not_found', 'This call has no coaching report: its agent does not enable coaching, or the call has not ended');
      const conversation = conversationSchema.safeParse(report.analysis['conversation']);
      return {
        callId: call.id,
        language: report.language,
        createdAt: report.createdAt.toISOString(),
        metrics: toVoiceMetrics(report.snapshot),
        coaching: toCoaching(report.coaching),
        conversation: conversation.success ? conversation.data : null,
        analysis: report.analysis,
      };
    },
  );
  return Promise.resolve();
};
