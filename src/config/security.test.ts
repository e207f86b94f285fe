import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

describe('security configuration', () => {
  it('defaults to no trusted proxy, no CORS origin and the documented limits', () => {
    const { security, redisKeyPrefix } = parseConfig({});
    expect(security.trustProxy).toBe(false);
    expect(security.corsOrigins).toEqual([]);
    expect(security.rateLimits).toEqual({ perIpPerMinute: 600, perCredentialPerMinute: 600, loginPerEmail: 5, loginPerIp: 20, signupPerIpPerHour: 5, callsPerTenantPerMinute: 60 });
    expect(security.maxConcurrentCallsPerTenant).toBe(20);
    expect(security.maxConcurrentCallsPerMember).toBe(3);
    expect(security.callJoinWindowS).toBe(120);
    expect(security.maxCallDurationS).toBe(3600);
    expect(security.jsonMaxDepth).toBe(32);
    expect(redisKeyPrefix).toBe('switchboard:');
  });

  it('parses TRUST_PROXY as a flag, a hop count or a list of addresses and ranges', () => {
    expect(parseConfig({ TRUST_PROXY: 'true' }).security.trustProxy).toBe(true);
    expect(parseConfig({ TRUST_PROXY: '2' }).security.trustProxy).toBe(2);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).security.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(() => parseConfig({ TRUST_PROXY: 'x-forwarded-for' })).toThrow(/TRUST_PROXY/);
    expect(() => parseConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });

  it('accepts CORS origins only, never paths or wildcards', () => {
    expect(parseConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/' }).security.corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    expect(() => parseConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(() => parseConfig({ CORS_ORIGINS: 'https://app.example.com/login' })).toThrow(/CORS_ORIGINS/);
  });

  it('refuses a limit of zero and a Redis prefix with spaces', () => {
    expect(() => parseConfig({ RATE_LIMIT_LOGIN: '0' })).toThrow(/RATE_LIMIT_LOGIN/);
    expect(() => parseConfig({ REDIS_KEY_PREFIX: 'a b' })).toThrow(/REDIS_KEY_PREFIX/);
  });
});
