import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { SecurityConfig } from '../../config/security.ts';

/** Every limit the server counts. HTTP rules are applied by the rate-limit plugin; `call-join` by the realtime limiter. */
export type RateRuleName = 'ip' | 'credential' | 'login-ip' | 'login-email' | 'call-create' | 'call-join';

/** The limits a route opts into through its config: `config: { limits: loginRateLimit }`. */
export interface RouteLimits {
  /** Rate rules counted in `preHandler` (after authentication and body validation), in this order. */
  readonly rateRules: readonly ('login-ip' | 'login-email' | 'call-create')[];
  /** Refuse when the tenant already has `MAX_CONCURRENT_CALLS_PER_TENANT` calls in progress. */
  readonly concurrentCalls?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Extra abuse limits of this route; see `src/http/security/rate-limit-policies.ts`. */
    limits?: RouteLimits;
  }
}

/**
 * For login routes (`/v1/auth/login` and the seed surfaces' logins): attempts per 15 minutes per
 * (client IP, normalised email) and per client IP. Every attempt counts, successful or not, so a
 * burst cannot slip through between a check and a failure.
 */
export const loginRateLimit: RouteLimits = Object.freeze({ rateRules: Object.freeze(['login-email', 'login-ip'] as const) });

/** For routes that create a call: creations per minute per tenant, and the tenant's concurrent-call cap. */
export const callCreationRateLimit: RouteLimits = Object.freeze({ rateRules: Object.freeze(['call-create'] as const), concurrentCalls: true });

/** One limit: at most `max` hits per fixed window of `windowMs` for each key. */
export interface RateRule {
  readonly name: RateRuleName;
  readonly max: number;
  readonly windowMs: number;
  /** What the refused client reads (the retry delay is appended). */
  readonly message: string;
}

/** A rule that keys HTTP requests; `key` returns `undefined` when the rule does not apply to the request. */
export interface HttpRateRule extends RateRule {
  readonly key: (request: FastifyRequest) => string | undefined;
}

const MINUTE_MS = 60_000;
const LOGIN_WINDOW_MS = 15 * MINUTE_MS;

/** The client address a limit counts: IPv6 clients by their /64, since one host usually holds the whole /64. */
export function clientKey(request: FastifyRequest): string {
  return normalizeIP(request.ip);
}

/**
 * The login identifier of a body (`email`, else `username`), trimmed, NFKC-normalised and lower-cased,
 * then hashed, so that counters keyed by it hold no personal data.
 */
export function loginIdentifierKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const raw = typeof record.email === 'string' ? record.email : record.username;
  if (typeof raw !== 'string') return undefined;
  const normalised = raw.trim().normalize('NFKC').toLowerCase();
  if (normalised === '') return undefined;
  return createHash('sha256').update(normalised).digest('base64url').slice(0, 22);
}

/** The credential a request was authenticated with: the API key's tenant-wide identity or the user. */
export function credentialKey(request: FastifyRequest): string | undefined {
  const principal = request.principal;
  if (principal === null) return undefined;
  if (principal.userId !== null) return `user:${principal.userId}`;
  return principal.apiKeyId === undefined ? `key:${principal.tenantId}` : `key:${principal.apiKeyId}`;
}

/** The HTTP rules with the configured limits. */
export function httpRateRules(limits: SecurityConfig['rateLimits']): Readonly<Record<Exclude<RateRuleName, 'call-join'>, HttpRateRule>> {
  return {
    ip: {
      name: 'ip',
      max: limits.perIpPerMinute,
      windowMs: MINUTE_MS,
      message: 'Too many requests from this address',
      key: (request) => `ip:${clientKey(request)}`,
    },
    credential: {
      name: 'credential',
      max: limits.perCredentialPerMinute,
      windowMs: MINUTE_MS,
      message: 'Too many requests with this credential',
      key: (request) => {
        const credential = credentialKey(request);
        return credential === undefined ? undefined : `cred:${credential}`;
      },
    },
    'login-ip': {
      name: 'login-ip',
      max: limits.loginPerIp,
      windowMs: LOGIN_WINDOW_MS,
      message: 'Too many login attempts from this address',
      key: (request) => `login-ip:${clientKey(request)}`,
    },
    'login-email': {
      name: 'login-email',
      max: limits.loginPerEmail,
      windowMs: LOGIN_WINDOW_MS,
      message: 'Too many login attempts for this account',
      key: (request) => {
        const identifier = loginIdentifierKey(request.body);
        return identifier === undefined ? undefined : `login:${clientKey(request)}:${identifier}`;
      },
    },
    'call-create': {
      name: 'call-create',
      max: limits.callsPerTenantPerMinute,
      windowMs: MINUTE_MS,
      message: 'Too many calls created for this tenant',
      key: (request) => (request.principal === null ? undefined : `calls:${request.principal.tenantId}`),
    },
  };
}

/** The realtime rule: `start-call`s per minute per tenant. */
export function callJoinRule(limits: SecurityConfig['rateLimits']): RateRule {
  return { name: 'call-join', max: limits.callsPerTenantPerMinute, windowMs: MINUTE_MS, message: 'Too many calls started for this tenant' };
}
