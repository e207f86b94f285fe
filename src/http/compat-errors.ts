import type { FastifyInstance } from 'fastify';
import type { AppError } from '../core/errors.ts';
import { sendError, type ErrorEnvelope } from './error-envelope.ts';

/** The fields a seed's clients read in an error, added beside the envelope: `{ error }` (Lydia), `{ detail }` (AURA). */
export type CompatErrorFields = (error: AppError, envelope: ErrorEnvelope) => Readonly<Record<string, unknown>>;

/**
 * Sets the error handler of one encapsulated context (a seed surface): the same mapping, logging
 * and envelope as the application's handler, plus the fields that surface's clients read. Errors
 * of hooks (authentication, rate limits) on its routes come through here too. Declare the extended
 * schema for the error statuses in each route's response schemas, or the serializer drops the extra field.
 */
export function useCompatErrorBodies(app: FastifyInstance, extraFields: CompatErrorFields): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, extraFields));
}
