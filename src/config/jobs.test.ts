import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobsConfigOf, jobsEnvShape, webhooksConfigOf } from './jobs.ts';

const parse = (env: Record<string, string>) => z.object(jobsEnvShape).parse(env);

describe('job and webhook configuration', () => {
  it('has working defaults', () => {
    expect(jobsConfigOf(parse({}))).toEqual({ concurrency: 4, pollIntervalMs: 1_000, leaseMs: 60_000, shutdownGraceMs: 5_000 });
    expect(webhooksConfigOf(parse({}), 'development')).toEqual({ timeoutMs: 10_000, maxAttempts: 12, requireHttps: false, allowPrivateNetworks: true });
  });

  it('in production requires https and refuses internal addresses unless told otherwise', () => {
    expect(webhooksConfigOf(parse({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: '' }), 'production')).toMatchObject({ requireHttps: true, allowPrivateNetworks: false });
    expect(webhooksConfigOf(parse({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }), 'production')).toMatchObject({ requireHttps: true, allowPrivateNetworks: true });
    expect(webhooksConfigOf(parse({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }), 'test')).toMatchObject({ requireHttps: false, allowPrivateNetworks: false });
  });

  it('reads the variables and refuses values out of range', () => {
    expect(jobsConfigOf(parse({ JOB_CONCURRENCY: '0', JOB_POLL_INTERVAL_MS: '250', JOB_LEASE_MS: '5000', JOB_SHUTDOWN_GRACE_MS: '0' }))).toEqual({
      concurrency: 0,
      pollIntervalMs: 250,
      leaseMs: 5_000,
      shutdownGraceMs: 0,
    });
    for (const env of [{ JOB_CONCURRENCY: '-1' }, { JOB_POLL_INTERVAL_MS: '10' }, { JOB_LEASE_MS: 'soon' }, { WEBHOOK_MAX_ATTEMPTS: '0' }, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'maybe' }]) {
      expect(z.object(jobsEnvShape).safeParse(env).success, JSON.stringify(env)).toBe(false);
    }
  });
});
