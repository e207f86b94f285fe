/**
 * One error taxonomy for the whole server. Every error a client or a live call can see is an
 * `AppError` with a stable `code` from the catalogue below; the code fixes its category and HTTP
 * status, and `retryable` follows from the category. Codes are part of the public API: never reuse
 * or rename one.
 */

export type ErrorCategory =
  | 'auth'
  | 'invalid_request'
  | 'not_found'
  | 'conflict'
  | 'rate_limit'
  | 'quota'
  | 'connectivity'
  | 'provider'
  | 'internal';

interface CatalogueEntry {
  readonly category: ErrorCategory;
  readonly httpStatus: number;
}

export const errorCatalogue = {
  validation_failed: { category: 'invalid_request', httpStatus: 400 },
  bad_request: { category: 'invalid_request', httpStatus: 400 },
  invalid_json: { category: 'invalid_request', httpStatus: 400 },
  json_too_deep: { category: 'invalid_request', httpStatus: 400 },
  unsupported_media_type: { category: 'invalid_request', httpStatus: 415 },
  payload_too_large: { category: 'invalid_request', httpStatus: 413 },
  invalid_audio: { category: 'invalid_request', httpStatus: 400 },
  unauthenticated: { category: 'auth', httpStatus: 401 },
  forbidden: { category: 'auth', httpStatus: 403 },
  invalid_credentials: { category: 'auth', httpStatus: 401 },
  route_not_found: { category: 'not_found', httpStatus: 404 },
  method_not_allowed: { category: 'invalid_request', httpStatus: 405 },
  call_not_found: { category: 'not_found', httpStatus: 404 },
  agent_not_found: { category: 'not_found', httpStatus: 404 },
  user_not_found: { category: 'not_found', httpStatus: 404 },
  tenant_not_found: { category: 'not_found', httpStatus: 404 },
  api_key_not_found: { category: 'not_found', httpStatus: 404 },
  company_not_found: { category: 'not_found', httpStatus: 404 },
  phone_number_not_found: { category: 'not_found', httpStatus: 404 },
  job_not_found: { category: 'not_found', httpStatus: 404 },
  webhook_not_found: { category: 'not_found', httpStatus: 404 },
  webhook_delivery_not_found: { category: 'not_found', httpStatus: 404 },
  recording_not_found: { category: 'not_found', httpStatus: 404 },
  session_not_found: { category: 'not_found', httpStatus: 404 },
  coaching_report_not_found: { category: 'not_found', httpStatus: 404 },
  analysis_not_found: { category: 'not_found', httpStatus: 404 },
  customer_not_found: { category: 'not_found', httpStatus: 404 },
  call_record_not_found: { category: 'not_found', httpStatus: 404 },
  order_not_found: { category: 'not_found', httpStatus: 404 },
  call_not_active: { category: 'conflict', httpStatus: 409 },
  call_in_progress: { category: 'conflict', httpStatus: 409 },
  call_already_started: { category: 'conflict', httpStatus: 409 },
  invalid_state_transition: { category: 'conflict', httpStatus: 409 },
  email_taken: { category: 'conflict', httpStatus: 409 },
  slug_taken: { category: 'conflict', httpStatus: 409 },
  last_admin: { category: 'conflict', httpStatus: 409 },
  phone_number_taken: { category: 'conflict', httpStatus: 409 },
  job_not_retryable: { category: 'conflict', httpStatus: 409 },
  recording_not_ready: { category: 'conflict', httpStatus: 409 },
  range_not_satisfiable: { category: 'invalid_request', httpStatus: 416 },
  session_not_active: { category: 'conflict', httpStatus: 409 },
  analysis_in_progress: { category: 'conflict', httpStatus: 409 },
  analysis_not_configured: { category: 'conflict', httpStatus: 409 },
  customer_phone_taken: { category: 'conflict', httpStatus: 409 },
  slot_unavailable: { category: 'conflict', httpStatus: 409 },
  reset_token_invalid: { category: 'invalid_request', httpStatus: 400 },
  engine_not_available: { category: 'invalid_request', httpStatus: 400 },
  rate_limited: { category: 'rate_limit', httpStatus: 429 },
  concurrent_calls_exceeded: { category: 'rate_limit', httpStatus: 429 },
  quota_exceeded: { category: 'quota', httpStatus: 429 },
  engine_not_configured: { category: 'provider', httpStatus: 503 },
  not_configured: { category: 'provider', httpStatus: 503 },
  provider_unavailable: { category: 'connectivity', httpStatus: 502 },
  provider_error: { category: 'provider', httpStatus: 502 },
  database_unavailable: { category: 'connectivity', httpStatus: 503 },
  internal_error: { category: 'internal', httpStatus: 500 },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

/** One field-level problem in a request, as returned in `details` of a validation error. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

const retryableCategories: ReadonlySet<ErrorCategory> = new Set(['rate_limit', 'connectivity', 'provider']);

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly httpStatus: number;
  readonly details: readonly FieldIssue[] | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: readonly FieldIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.category = errorCatalogue[code].category;
    this.httpStatus = errorCatalogue[code].httpStatus;
    this.details = options.details;
  }

  get retryable(): boolean {
    return retryableCategories.has(this.category);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
