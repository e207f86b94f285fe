import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { JobService } from '../../jobs/job-service.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { callIdParams, jobIdParams, jobSchema, listJobsQuery, toJobDto } from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/** Post-call jobs: a call's jobs (`/v1/calls/:callId/jobs`), the tenant's jobs and retry (`/v1/jobs`). Registered at `/v1`. */
export const jobRoutes: FastifyPluginAsyncZod<{ jobs: JobService }> = (app, { jobs }) => {
  app.get(
    '/calls/:callId/jobs',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['jobs'],
        summary: 'The post-call jobs of a call and their status',
        description: 'Lifecycle, webhook delivery and analysis jobs of the call, oldest first. Members see the jobs of their own calls.',
        params: callIdParams,
        response: { 200: z.object({ callId: z.uuid(), items: z.array(jobSchema) }), ...errors },
      },
    },
    async (request) => {
      const rows = await jobs.forCall(principalOf(request), request.params.callId);
      return { callId: request.params.callId, items: rows.map(toJobDto) };
    },
  );

  app.get(
    '/jobs',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['jobs'],
        summary: 'The tenant’s jobs, newest first',
        description: 'Filter by `status` (e.g. `dead`) and `kind`.',
        querystring: listJobsQuery,
        response: { 200: z.object({ items: z.array(jobSchema) }), ...errors },
      },
    },
    async (request) => ({ items: (await jobs.list(principalOf(request), request.query)).map(toJobDto) }),
  );

  app.post(
    '/jobs/:jobId/retry',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['jobs'],
        summary: 'Run a failed or dead job again',
        description: 'Queues the job now with a fresh set of attempts. A job in any other status is `409 job_not_retryable`.',
        params: jobIdParams,
        response: { 200: jobSchema, 409: errorEnvelopeSchema, ...errors },
      },
    },
    async (request) => toJobDto(await jobs.retry(principalOf(request), request.params.jobId)),
  );
  return Promise.resolve();
};
