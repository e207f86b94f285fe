import { z } from 'zod';

const integer = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const optionalBoolean = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.stringbool().optional())
  .optional();

/** The environment variables of the job workers and webhooks; spread into the config schema. */
export const jobsEnvShape = {
  JOB_CONCURRENCY: integer(0, 64, 4),
  JOB_POLL_INTERVAL_MS: integer(50, 60_000, 1_000),
  JOB_LEASE_MS: integer(1_000, 60 * 60_000, 60_000),
  JOB_SHUTDOWN_GRACE_MS: integer(0, 60_000, 5_000),
  WEBHOOK_TIMEOUT_MS: integer(1_000, 60_000, 10_000),
  WEBHOOK_MAX_ATTEMPTS: integer(1, 50, 12),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: optionalBoolean,
};

type JobsEnv = z.infer<z.ZodObject<typeof jobsEnvShape>>;

export interface JobsConfig {
  /** Jobs this process runs at once; 0 runs none (an API-only instance). */
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  /** How long a claimed job stays claimed without a heartbeat: after a crash, the wait before another worker takes it. */
  readonly leaseMs: number;
  /** How long shutdown waits for running jobs before giving their leases back. */
  readonly shutdownGraceMs: number;
}

export interface WebhooksConfig {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** `https` endpoints only (production). */
  readonly requireHttps: boolean;
  /** Endpoints on loopback, private and link-local addresses (default: outside production only). */
  readonly allowPrivateNetworks: boolean;
}

export function jobsConfigOf(e: JobsEnv): JobsConfig {
  return { concurrency: e.JOB_CONCURRENCY, pollIntervalMs: e.JOB_POLL_INTERVAL_MS, leaseMs: e.JOB_LEASE_MS, shutdownGraceMs: e.JOB_SHUTDOWN_GRACE_MS };
}

export function webhooksConfigOf(e: JobsEnv, nodeEnv: 'development' | 'production' | 'test'): WebhooksConfig {
  const production = nodeEnv === 'production';
  return {
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    requireHttps: production,
    allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? !production,
  };
}
