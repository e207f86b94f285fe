import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, errorCatalogue, type ErrorCode, type FieldIssue } from '../core/errors.ts';

/** The body of every error response. `details` lists field-level problems of a validation error. */
export const errorEnvelopeSchema = z
  .object({
    code: z.string().describe('Stable machine-readable error code'),
    message: z.string(),
    requestId: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe('Error');

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

interface FastifyLikeError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly validation?: unknown;
  readonly validationContext?: unknown;
}

const fastifyCodes: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'validation_failed',
};

interface ValidationEntry {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: { readonly keys?: unknown; readonly origin?: unknown; readonly minimum?: unknown };
}

/** A string that had to hold at least one character after trimming: empty or only whitespace. */
function isBlankString(issue: ValidationEntry): boolean {
  return issue.keyword === 'too_small' && issue.params?.origin === 'string' && issue.params.minimum === 1;
}

function fieldIssues(error: FastifyLikeError & { validation: unknown[] }): FieldIssue[] {
  const part = typeof error.validationContext === 'string' ? error.validationContext : 'request';
  return error.validation.flatMap((entry): FieldIssue[] => {
    const issue = entry as ValidationEntry;
    const path = `${part}${(issue.instancePath ?? '').replaceAll('/', '.')}`.replace(/\.$/, '');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params?.keys)) {
      return issue.params.keys.map((key) => ({ path: `${path}.${String(key)}`, message: 'is not a known field' }));
    }
    if (isBlankString(issue)) return [{ path, message: 'must not be blank' }];
    return [{ path, message: issue.message ?? 'is invalid' }];
  });
}

/**
 * Maps anything thrown while serving a request to an `AppError`. Unknown errors become a generic
 * `internal_error` whose message never reveals internals.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (typeof error !== 'object' || error === null) return new AppError('internal_error', 'Internal server error');
  const e = error as FastifyLikeError;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new AppError('validation_failed', 'The request is invalid', { details: fieldIssues(error) });
  }
  const mapped = typeof e.code === 'string' ? fastifyCodes[e.code] : undefined;
  if (mapped === 'validation_failed' && Array.isArray(e.validation)) {
    return new AppError('validation_failed', 'The request is invalid', { details: fieldIssues({ ...e, validation: e.validation }) });
  }
  if (mapped !== undefined) {
    const message = error instanceof Error ? error.message : errorCatalogue[mapped].category;
    return new AppError(mapped, message);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const message = error instanceof Error ? error.message : 'Bad request';
    if (e.statusCode === 404) return new AppError('route_not_found', message);
    if (e.statusCode === 413) return new AppError('payload_too_large', message);
    if (e.statusCode === 415) return new AppError('unsupported_media_type', message);
    if (e.statusCode === 429) return new AppError('rate_limited', message);
    return new AppError('bad_request', message);
  }
  return new AppError('internal_error', 'Internal server error', { cause: error });
}

export function envelopeOf(error: AppError, requestId: string): ErrorEnvelope {
  const hideDetail = error.httpStatus >= 500;
  return {
    code: error.code,
    message: hideDetail && error.code === 'internal_error' ? 'Internal server error' : error.message,
    requestId,
    ...(error.details && !hideDetail ? { details: [...error.details] } : {}),
  };
}

/**
 * Server-side refusals that are the operator's configuration, not a fault: the start-up log says so
 * once, and each request refused for it is logged like any other refusal (no stack, not `error`).
 */
const configurationCodes: ReadonlySet<ErrorCode> = new Set(['not_configured', 'engine_not_configured']);

/** The fields a surface adds beside the envelope (`{ error }` for Lydia, `{ detail }` for AURA). */
export type ExtraErrorFields = (error: AppError, envelope: ErrorEnvelope) => Readonly<Record<string, unknown>>;

/**
 * Answers a request that failed: maps the error, logs it (5xx faults at `error` with the stack,
 * refusals at `info`), adds `WWW-Authenticate: Bearer` to a 401 (RFC 9110 requires a challenge) and
 * sends the envelope. Every error handler of the app goes through here.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown, extraFields?: ExtraErrorFields): FastifyReply {
  const appError = toAppError(error);
  if (appError.httpStatus >= 500 && !configurationCodes.has(appError.code)) request.log.error({ err: error, code: appError.code }, 'request failed');
  else request.log.info({ code: appError.code }, 'request refused');
  if (appError.httpStatus === 401) void reply.header('www-authenticate', 'Bearer');
  const envelope = envelopeOf(appError, request.id);
  return reply.code(appError.httpStatus).send(extraFields === undefined ? envelope : { ...envelope, ...extraFields(appError, envelope) });
}
