/**
 * What never reaches a log line, in three layers (the logger applies all of them):
 *
 * 1. fixed paths (`redactedPaths` in `logger.ts`) for the usual places, cheap and exact;
 * 2. {@link scrubLogFields}: any field at any depth whose *name* says it holds a secret, a phone
 *    number, transcript text, a prompt or audio (`text`, `delta`, `refreshToken`, `phone`, …);
 * 3. {@link scrubLogLine}: anything that *looks* like a credential or a phone number wherever it
 *    appears in the final line (API keys `sb_live_…`, JWTs, `Bearer …`, provider keys, E.164
 *    numbers, `access_token=` and similar in URLs), so a value that slipped into a message or an
 *    error string is still removed.
 */

export const REDACTED = '[redacted]';

/** Field names (compared lower-cased, with `-` and `_` removed) whose values are never logged. */
const sensitiveFieldNames: ReadonlySet<string> = new Set(
  [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'api_key',
    'apikey',
    'password',
    'newPassword',
    'currentPassword',
    'secret',
    'clientSecret',
    'token',
    'access_token',
    'accessToken',
    'refresh_token',
    'refreshToken',
    'id_token',
    'idToken',
    'authToken',
    'jwt',
    'key',
    'signature',
    'x-twilio-signature',
    'phone',
    'phoneNumber',
    'phone_number',
    'callerId',
    'msisdn',
    'text',
    'transcript',
    'transcription',
    'delta',
    'content',
    'instructions',
    'prompt',
    'warningMessage',
    'arguments',
    'audio',
    'pii',
  ].map(normaliseName),
);

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

export function isSensitiveFieldName(name: string): boolean {
  return sensitiveFieldNames.has(normaliseName(name));
}

const MAX_DEPTH = 8;
const MAX_ARRAY_ITEMS = 50;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function scrub(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return '[too deep]';
    const items = value.slice(0, MAX_ARRAY_ITEMS).map((item: unknown) => scrub(item, depth + 1));
    if (value.length > MAX_ARRAY_ITEMS) items.push(`[${value.length - MAX_ARRAY_ITEMS} more]`);
    return items;
  }
  if (!isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = isSensitiveFieldName(key) ? REDACTED : scrub(inner, depth + 1);
  }
  return copy;
}

/**
 * A copy of a log call's fields with every sensitive field replaced by `[redacted]`, at any depth of
 * plain objects and arrays. Class instances (errors, requests) are left to their serializers; the
 * caller's object is never modified.
 */
export function scrubLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  return scrub(fields, 0) as Record<string, unknown>;
}

const secretQueryNames = 'access_token|token|api_key|apikey|key|refresh_token|id_token|password|secret|signature|sig|auth';

const linePatterns: readonly RegExp[] = [
  /sb_live_[A-Za-z0-9_-]+/g,
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /(?:\+|%2B)[1-9]\d{7,14}\b/gi,
];

const queryPattern = new RegExp(`([?&;](?:${secretQueryNames})=)[^&#\\s"]*`, 'gi');

/** Secrets carried in a URL path: the token of a password reset link (`/api/auth/reset-password/<token>`). */
const pathSecretPattern = /(\/reset-password\/)[^/?#\s"]+/gi;

/** The serialized line with anything shaped like a credential or a phone number replaced. */
export function scrubLogLine(line: string): string {
  let out = line.replace(queryPattern, `$1${REDACTED}`).replace(pathSecretPattern, `$1${REDACTED}`);
  for (const pattern of linePatterns) out = out.replace(pattern, REDACTED);
  return out;
}

/** A URL path with the values of credential-like query parameters and path secrets replaced (`?access_token=[redacted]`). */
export function scrubUrl(url: string): string {
  return url.replace(queryPattern, `$1${REDACTED}`).replace(pathSecretPattern, `$1${REDACTED}`);
}
