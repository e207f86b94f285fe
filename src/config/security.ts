import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which proxies may set `X-Forwarded-For`: `false` trusts none (the client IP is the socket's peer),
 * `true` trusts every hop (only behind a proxy that overwrites the header), a number trusts that many
 * hops, a list trusts those addresses and CIDR ranges.
 */
export type TrustProxy = boolean | number | readonly string[];

function isAddressOrCidr(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  if (extra !== undefined || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (isIP(address) === 4 ? 32 : 128);
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const trustProxy = z
  .string()
  .trim()
  .default('false')
  .transform((value, ctx): TrustProxy => {
    const lower = value.toLowerCase();
    if (lower === '' || lower === 'false') return false;
    if (lower === 'true') return true;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = commaList(value);
    const bad = entries.filter((entry) => !isAddressOrCidr(entry));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `must be false, true, a hop count, or IP addresses/CIDR ranges (bad: ${bad.join(', ')})` });
      return z.NEVER;
    }
    return entries;
  });

const corsOrigins = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx): readonly string[] => {
    const origins: string[] = [];
    for (const entry of commaList(value)) {
      let origin: string | undefined;
      try {
        const url = new URL(entry);
        if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.replace(/\/$/, '')) origin = url.origin;
      } catch {
        origin = undefined;
      }
      if (origin === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not an origin like https://app.example.com (no path, no wildcard)` });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The environment variables of the abuse limits; spread into the config schema. */
export const securityEnvShape = {
  TRUST_PROXY: trustProxy,
  CORS_ORIGINS: corsOrigins,
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 : _ . -')
    .default('switchboard:'),
  RATE_LIMIT_PER_IP: count(1, 1_000_000, 600),
  RATE_LIMIT_PER_CREDENTIAL: count(1, 1_000_000, 600),
  RATE_LIMIT_LOGIN: count(1, 10_000, 5),
  RATE_LIMIT_LOGIN_PER_IP: count(1, 10_000, 20),
  RATE_LIMIT_SIGNUP_PER_IP: count(1, 10_000, 5),
  RATE_LIMIT_CALLS_PER_TENANT: count(1, 1_000_000, 60),
  MAX_CONCURRENT_CALLS_PER_TENANT: count(1, 1_000_000, 20),
  MAX_CONCURRENT_CALLS_PER_MEMBER: count(1, 1_000_000, 3),
  // At least a minute: a phone call is created before it rings, and joined by Twilio's stream once answered.
  CALL_JOIN_WINDOW_SECONDS: count(60, 3600, 120),
  MAX_CALL_DURATION_SECONDS: count(10, 24 * 3600, 3600),
  JSON_MAX_DEPTH: count(2, 1000, 32),
};

type SecurityEnv = { [K in keyof typeof securityEnvShape]: z.output<(typeof securityEnvShape)[K]> };

/** Abuse limits, as the server applies them. Rate windows are fixed: see docs/security.md. */
export interface SecurityConfig {
  readonly trustProxy: TrustProxy;
  /** Origins allowed to call the API and open Socket.IO from a browser; empty = none. */
  readonly corsOrigins: readonly string[];
  readonly rateLimits: {
    /** Requests per minute per client IP, on every route. */
    readonly perIpPerMinute: number;
    /** Requests per minute per authenticated credential (API key or user). */
    readonly perCredentialPerMinute: number;
    /** Login attempts per 15 minutes per (client IP, email). */
    readonly loginPerEmail: number;
    /** Login attempts per 15 minutes per client IP, whatever the email. */
    readonly loginPerIp: number;
    /** Signups (new tenants) per hour per client IP, across every signup route. */
    readonly signupPerIpPerHour: number;
    /** Call creations per minute per tenant (and, counted apart, realtime `start-call`s). */
    readonly callsPerTenantPerMinute: number;
  };
  /** Calls of a tenant in status created (within the join window), active or ending, across every instance. */
  readonly maxConcurrentCallsPerTenant: number;
  /** The same, for the calls of one member (admins and API keys are bounded by the tenant's cap only). */
  readonly maxConcurrentCallsPerMember: number;
  /** How long a created call waits to be joined: after that it no longer holds a slot and is marked `expired`. */
  readonly callJoinWindowS: number;
  /** Upper bound on any call's length, whatever its agent says. */
  readonly maxCallDurationS: number;
  /** Deepest nesting of arrays and objects accepted in a JSON body. */
  readonly jsonMaxDepth: number;
}

export function securityConfigOf(e: SecurityEnv): SecurityConfig {
  return {
    trustProxy: e.TRUST_PROXY,
    corsOrigins: e.CORS_ORIGINS,
    rateLimits: {
      perIpPerMinute: e.RATE_LIMIT_PER_IP,
      perCredentialPerMinute: e.RATE_LIMIT_PER_CREDENTIAL,
      loginPerEmail: e.RATE_LIMIT_LOGIN,
      loginPerIp: e.RATE_LIMIT_LOGIN_PER_IP,
      signupPerIpPerHour: e.RATE_LIMIT_SIGNUP_PER_IP,
      callsPerTenantPerMinute: e.RATE_LIMIT_CALLS_PER_TENANT,
    },
    maxConcurrentCallsPerTenant: e.MAX_CONCURRENT_CALLS_PER_TENANT,
    maxConcurrentCallsPerMember: e.MAX_CONCURRENT_CALLS_PER_MEMBER,
    callJoinWindowS: e.CALL_JOIN_WINDOW_SECONDS,
    maxCallDurationS: e.MAX_CALL_DURATION_SECONDS,
    jsonMaxDepth: e.JSON_MAX_DEPTH,
  };
}
