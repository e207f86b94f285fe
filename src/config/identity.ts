import { z } from 'zod';

/** `90`, `90s`, `15m`, `12h`, `30d` (a bare number is seconds) → milliseconds. */
const unitsMs: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const duration = (fallback: string, minMs: number, maxMs: number) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((value, ctx) => {
      const m = /^(\d{1,9})([smhd]?)$/.exec(value === '' ? fallback : value);
      const ms = m ? Number(m[1]) * (unitsMs[m[2] || 's'] ?? 1_000) : Number.NaN;
      if (!(ms >= minMs && ms <= maxMs)) {
        ctx.addIssue({ code: 'custom', message: `must be a duration like 900, 15m, 12h or 30d, between ${minMs / 1000}s and ${maxMs / 86_400_000}d` });
        return z.NEVER;
      }
      return ms;
    });

const optionalSecret = (minBytes: number) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || Buffer.byteLength(value, 'utf8') >= minBytes, `must be at least ${minBytes} bytes (e.g. openssl rand -base64 48)`)
    .optional();

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** The environment variables of identity and tokens; spread into the config schema. */
export const identityEnvShape = {
  JWT_SECRET: optionalSecret(32),
  ACCESS_TOKEN_TTL: duration('15m', 10_000, 86_400_000),
  REFRESH_TOKEN_TTL: duration('30d', 3_600_000, 365 * 86_400_000),
  ADMIN_API_KEY: optionalSecret(32),
  /** Unset: open in development and test, closed in production (see {@link identityConfigOf}). */
  SIGNUP_ENABLED: z.stringbool().optional(),
  EXTERNAL_JWT_JWKS_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  EXTERNAL_JWT_ISSUER: optionalText,
  EXTERNAL_JWT_AUDIENCE: optionalText,
  EXTERNAL_JWT_TENANT: optionalText.pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be a tenant slug (a-z, 0-9, -)').optional()),
};

type IdentityEnv = { readonly NODE_ENV: string } & z.infer<z.ZodObject<typeof identityEnvShape>>;

/** A third-party identity provider whose ID tokens (Firebase, Auth0, Clerk) are accepted. */
export interface ExternalJwtConfig {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Slug of the tenant the provider's users belong to. */
  readonly tenantSlug: string;
}

export interface IdentityConfig {
  /** `undefined` outside production: a secret is then generated once and kept in `DATA_DIR/secrets/`. */
  readonly jwtSecret: string | undefined;
  readonly accessTokenTtlMs: number;
  readonly refreshTokenTtlMs: number;
  /** The operator key for `/v1/admin/*`; those routes refuse everything when unset. */
  readonly adminApiKey: string | undefined;
  /** `SIGNUP_ENABLED`; unset, `true` except when `NODE_ENV=production`. */
  readonly signupEnabled: boolean;
  readonly externalJwt: ExternalJwtConfig | undefined;
}

const externalNames = ['EXTERNAL_JWT_JWKS_URL', 'EXTERNAL_JWT_ISSUER', 'EXTERNAL_JWT_AUDIENCE', 'EXTERNAL_JWT_TENANT'] as const;

/** Rules across variables; each problem names its variable. */
export function identityProblems(e: IdentityEnv): string[] {
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && e.JWT_SECRET === undefined) {
    problems.push('JWT_SECRET: is required when NODE_ENV=production (at least 32 bytes, e.g. openssl rand -base64 48); without it no token could be trusted across restarts or instances');
  }
  const set = externalNames.filter((name) => e[name] !== undefined);
  if (set.length > 0 && set.length < externalNames.length) {
    for (const name of externalNames.filter((n) => e[n] === undefined)) problems.push(`${name}: is required when ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set`);
  }
  if (e.NODE_ENV === 'production' && e.EXTERNAL_JWT_JWKS_URL?.startsWith('http:') === true) {
    problems.push('EXTERNAL_JWT_JWKS_URL: must be https when NODE_ENV=production');
  }
  return problems;
}

export function identityConfigOf(e: IdentityEnv): IdentityConfig {
  const { EXTERNAL_JWT_JWKS_URL: jwksUrl, EXTERNAL_JWT_ISSUER: issuer, EXTERNAL_JWT_AUDIENCE: audience, EXTERNAL_JWT_TENANT: tenantSlug } = e;
  return {
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlMs: e.ACCESS_TOKEN_TTL,
    refreshTokenTtlMs: e.REFRESH_TOKEN_TTL,
    adminApiKey: e.ADMIN_API_KEY,
    // Open signup lets anyone create tenants: a production server opens it only when told to.
    signupEnabled: e.SIGNUP_ENABLED ?? e.NODE_ENV !== 'production',
    externalJwt:
      jwksUrl !== undefined && issuer !== undefined && audience !== undefined && tenantSlug !== undefined
        ? { jwksUrl, issuer, audience, tenantSlug }
        : undefined,
  };
}
