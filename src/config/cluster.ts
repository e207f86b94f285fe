import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** At most this many worker processes: beyond it, a machine is better split into several instances. */
export const MAX_WORKERS = 64;

/** The environment variables of cluster mode (docs/cluster.md); spread into the config schema. */
export const clusterEnvShape = {
  WORKERS: z
    .string()
    .trim()
    .transform((value, ctx): number | 'auto' => {
      if (value === '') return 1;
      if (value === 'auto') return 'auto';
      const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (count >= 1 && count <= MAX_WORKERS) return count;
      ctx.addIssue({ code: 'custom', message: `must be an integer from 1 to ${String(MAX_WORKERS)}, or auto` });
      return z.NEVER;
    })
    .default(1),
};

type ClusterEnv = z.infer<z.ZodObject<typeof clusterEnvShape>> & {
  readonly DATABASE_URL?: string | undefined;
  readonly REDIS_URL?: string | undefined;
};

/** How many processes serve the port: 1 is a single process (nothing forked); more is a primary and that many workers. */
export interface ClusterConfig {
  /** Worker processes, `auto` already resolved to `os.availableParallelism()`. */
  readonly workers: number;
}

function workersOf(e: ClusterEnv): number {
  return e.WORKERS === 'auto' ? Math.min(MAX_WORKERS, availableParallelism()) : e.WORKERS;
}

/**
 * Several workers share what must be shared: the embedded PGlite database belongs to one process, and
 * in-process rate limit and call limit counters would each allow the whole limit per worker.
 */
export function clusterProblems(e: ClusterEnv): string[] {
  const workers = workersOf(e);
  if (workers <= 1) return [];
  const missing = [e.DATABASE_URL === undefined ? 'DATABASE_URL' : undefined, e.REDIS_URL === undefined ? 'REDIS_URL' : undefined].filter(
    (name): name is string => name !== undefined,
  );
  if (missing.length === 0) return [];
  const reasons = [
    e.DATABASE_URL === undefined ? 'the embedded PGlite database belongs to one process' : undefined,
    e.REDIS_URL === undefined ? 'rate limits and call limits must be shared in Redis' : undefined,
  ].filter((reason): reason is string => reason !== undefined);
  return [`WORKERS: ${String(workers)} workers need ${missing.join(' and ')} set (${reasons.join('; ')}); set ${missing.join(' and ')}, or WORKERS=1`];
}

export function clusterConfigOf(e: ClusterEnv): ClusterConfig {
  return { workers: workersOf(e) };
}
