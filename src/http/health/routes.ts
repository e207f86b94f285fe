import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';

export interface HealthRoutesOptions {
  /** Throws when the database does not answer. */
  readonly pingDatabase: () => Promise<void>;
  readonly databaseKind: 'pglite' | 'postgres';
}

/** `/health` says the process is up; `/ready` says it can serve (the database answers). Both are public. */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = (app, options) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        security: [],
        summary: 'Liveness: the process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        security: [],
        summary: 'Readiness: the database answers',
        response: {
          200: z.object({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) }),
          503: errorEnvelopeSchema,
        },
      },
    },
    async () => {
      try {
        await options.pingDatabase();
      } catch (error) {
        throw new AppError('database_unavailable', 'The database is not answering', { cause: error });
      }
      return { status: 'ready' as const, database: options.databaseKind };
    },
  );
  return Promise.resolve();
};
