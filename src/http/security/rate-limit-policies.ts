import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { SecurityConfig } from '../../config/security.ts';

/** Every limit the server counts. HTTP rules are applied by the rate-limit plugin; `call-join` by the realtime limiter. */
export type RateRuleName = 'ip' | 'credential' | 'login-ip' | 'login-email' | 'signup-ip' | 'password-user' | 'password-ip' | 'call-create' | 'call-join';

/** The rules a route may opt into; `ip` and `credential` apply to every route anyway. */
export type RouteRateRuleName = Exclude<RateRuleName, 'ip' | 'credential' | 'call-join'>;

/** The limits a route opts into through its config: `config: { limits: loginRateLimit }`. */
export interface RouteLimits {
  /** Rate rules counted in `preHandler` (after authentication and body validation), in this order. */
  readonly rateRules: readonly RouteRateRuleName[];
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

/**
 * For signup routes (`/v1/auth/register` and the seed surfaces' registers): signups per hour per
 * client IP, one counter for all of them. Each signup costs a password hash (~0.3 s of CPU) and
 * creates a tenant.
 */
export const signupRateLimit: RouteLimits = Object.freeze({ rateRules: Object.freeze(['signup-ip'] as const) });

/**
 * For routes that verify the current password (password change, email change): every attempt that
 * sends `currentPassword` counts against the login limits, per user (whatever the address, so a
 * stolen access token cannot guess the password from many addresses) and per client IP (the same
 * counter as login attempts from that address). Attempts without `currentPassword` are not counted.
 */
export const currentPasswordRateLimit: RouteLimits = Object.freeze({ rateRules: Object.freeze(['password-user', 'password-ip'] as const) });

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
const SIGNUP_WINDOW_MS = 60 * MINUTE_MS;

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

/** Whether the request's body presents a current password to verify. */
function presentsCurrentPassword(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).currentPassword === 'string';
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
    'signup-ip': {
      name: 'signup-ip',
      max: limits.signupPerIpPerHour,
      windowMs: SIGNUP_WINDOW_MS,
      message: 'Too many signups from this address',
      key: (request) => `signup-ip:${clientKey(request)}`,
    },
    'password-user': {
      name: 'password-user',
      max: limits.loginPerEmail,
      windowMs: LOGIN_WINDOW_MS,
      message: 'Too many current-password attempts for this account',
      key: (request) => {
        const userId = request.principal?.userId;
        return userId === undefined || userId === null || !presentsCurrentPassword(request.body) ? undefined : `pw-user:${userId}`;
      },
    },
    'password-ip': {
      name: 'password-ip',
      max: limits.loginPerIp,
      windowMs: LOGIN_WINDOW_MS,
      message: 'Too many login attempts from this address',
      // The login-ip counter itself: guessing passwords costs the same budget whichever route it uses.
      key: (request) => (presentsCurrentPassword(request.body) ? `login-ip:${clientKey(request)}` : undefined),
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
