import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CallAnalyses } from '../../jobs/call-analysis/call-analyses.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { callIdParams } from '../jobs/schemas.ts';
import { callAnalysisSchema, rerunAnalysisBody, toCallAnalysisDto } from './analysis-schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/** A call's post-call analysis (docs/analysis.md): read it, run it again. Registered at `/v1`. */
export const callAnalysisRoutes: FastifyPluginAsyncZod<{ analyses: CallAnalyses }> = (app, { analyses }) => {
  app.get(
    '/calls/:callId/analysis',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['calls'],
        summary: 'The call’s post-call analysis: summary, extraction, evaluation, or where it stands',
        description:
          'Members see their own calls’ analyses. `status` is the latest run’s (`pending` while queued or waiting for a retry); `analysis` is the stored result. 404 `analysis_not_found` when the call’s agent has no analysis plan.',
        params: callIdParams,
        response: { 200: callAnalysisSchema, ...errors },
      },
    },
    async (request) => toCallAnalysisDto(await analyses.get(principalOf(request), request.params.callId)),
  );

  app.post(
    '/calls/:callId/analysis',
    {
      config: { auth: { scope: 'write' } },
      schema: {
        tags: ['calls'],
        summary: 'Analyse an ended call again',
        description:
          'Queues a new analysis (202); when it succeeds or is skipped its result replaces the stored one and `call.analyzed` is sent again. `{"plan":"agent"}` follows the agent’s current plan instead of the one the call ran with. 409 `call_in_progress`, `analysis_in_progress`, `analysis_not_configured`.',
        params: callIdParams,
        body: rerunAnalysisBody,
        response: { 202: callAnalysisSchema, 409: errorEnvelopeSchema, ...errors },
      },
    },
    async (request, reply) => {
      const view = await analyses.rerun(principalOf(request), request.params.callId, { plan: request.body?.plan ?? 'call' });
      return reply.code(202).send(toCallAnalysisDto(view));
    },
  );
  return Promise.resolve();
};
