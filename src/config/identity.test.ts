import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { configMessageOf } from '../testing/config-problems.ts';

const secret = 'x'.repeat(32);

describe('identity configuration', () => {
  it('refuses to start in production without JWT_SECRET, naming it', () => {
    const message = configMessageOf({ NODE_ENV: 'production' });
    expect(message).toContain('JWT_SECRET');
    expect(message).toContain('required when NODE_ENV=production');
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).identity.jwtSecret).toBe(secret);
  });

  it('refuses secrets shorter than 32 bytes', () => {
    expect(configMessageOf({ JWT_SECRET: 'short' })).toContain('JWT_SECRET');
    expect(configMessageOf({ ADMIN_API_KEY: 'short' })).toContain('ADMIN_API_KEY');
  });

  it('defaults: 15 minute access tokens, 30 day refresh tokens, open signup, no operator key, no external provider', () => {
    const { identity } = parseConfig({});
    expect(identity).toEqual({
      jwtSecret: undefined,
      accessTokenTtlMs: 15 * 60_000,
      refreshTokenTtlMs: 30 * 86_400_000,
      adminApiKey: undefined,
      signupEnabled: true,
      externalJwt: undefined,
    });
  });

  it('closes signup in production unless SIGNUP_ENABLED says otherwise; opens it elsewhere', () => {
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).identity.signupEnabled).toBe(false);
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret, SIGNUP_ENABLED: 'true' }).identity.signupEnabled).toBe(true);
    expect(parseConfig({ NODE_ENV: 'test' }).identity.signupEnabled).toBe(true);
    expect(parseConfig({ NODE_ENV: 'development', SIGNUP_ENABLED: 'false' }).identity.signupEnabled).toBe(false);
  });

  it('reads durations with units and refuses nonsense', () => {
    expect(parseConfig({ ACCESS_TOKEN_TTL: '90' }).identity.accessTokenTtlMs).toBe(90_000);
    expect(parseConfig({ ACCESS_TOKEN_TTL: '1h', REFRESH_TOKEN_TTL: '7d' }).identity).toMatchObject({ accessTokenTtlMs: 3_600_000, refreshTokenTtlMs: 7 * 86_400_000 });
    expect(configMessageOf({ ACCESS_TOKEN_TTL: 'forever' })).toContain('ACCESS_TOKEN_TTL');
    expect(configMessageOf({ ACCESS_TOKEN_TTL: '2d' })).toContain('ACCESS_TOKEN_TTL');
  });

  it('wants all four EXTERNAL_JWT_* variables or none, and https JWKS in production', () => {
    const message = configMessageOf({ EXTERNAL_JWT_JWKS_URL: 'https://idp.example/jwks.json' });
    for (const name of ['EXTERNAL_JWT_ISSUER', 'EXTERNAL_JWT_AUDIENCE', 'EXTERNAL_JWT_TENANT']) expect(message).toContain(name);
    const full = {
      EXTERNAL_JWT_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      EXTERNAL_JWT_ISSUER: 'https://securetoken.google.com/app',
      EXTERNAL_JWT_AUDIENCE: 'app',
      EXTERNAL_JWT_TENANT: 'voice-mode',
    };
    expect(parseConfig(full).identity.externalJwt).toEqual({ jwksUrl: full.EXTERNAL_JWT_JWKS_URL, issuer: full.EXTERNAL_JWT_ISSUER, audience: 'app', tenantSlug: 'voice-mode' });
    expect(configMessageOf({ ...full, NODE_ENV: 'production', JWT_SECRET: secret })).toContain('EXTERNAL_JWT_JWKS_URL: must be https');
  });
});
