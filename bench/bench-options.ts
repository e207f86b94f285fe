/**
 * The command-line flags the call benchmarks (relay.ts, phone.ts) share, and what they become:
 * `--levels 1,10,100 --duration-ms 12000 --database-url postgres://… --output file|- --no-warmup
 * --cpu-profile prefix --wait-quiet-s 600 --workers 2 --redis-url redis://…`. `--database-url`,
 * `--wait-quiet-s`, `--workers` and `--redis-url` fall back to `<PREFIX>_DATABASE_URL`,
 * `<PREFIX>_WAIT_QUIET_S`, `<PREFIX>_WORKERS` and `<PREFIX>_REDIS_URL` (what `npm run bench` passes on).
 */
export interface CallBenchOptions {
  /** Where to write the JSON; `null` writes nothing. Default bench/results/<bench>.json (<bench>-postgres.json with a database URL). */
  readonly output?: string | null;
  readonly levels?: readonly number[];
  readonly durationMs?: number;
  /** A PostgreSQL server to create a scratch database on; default in-memory PGlite. */
  readonly databaseUrl?: string;
  readonly warmup?: boolean;
  /** Before each level, wait (up to this long) for the machine to be quiet; 0 does not wait. */
  readonly waitQuietMs?: number;
  /** Writes a CPU profile of the server process over each level's measured window to `<cpuProfile>-<calls>.cpuprofile`. */
  readonly cpuProfile?: string;
  /**
   * Runs the server in cluster mode with this many worker processes (docs/cluster.md), the bench
   * process being the primary; needs `databaseUrl` and `redisUrl`. Default 1: the server runs in the
   * bench process.
   */
  readonly workers?: number;
  /** The Redis the workers share in cluster mode. */
  readonly redisUrl?: string;
}

/** The shared flags, for `parseArgs({ options: { ...callBenchFlags, …the bench's own } })`. */
export const callBenchFlags = {
  levels: { type: 'string' },
  'duration-ms': { type: 'string' },
  'database-url': { type: 'string' },
  output: { type: 'string' },
  'no-warmup': { type: 'boolean' },
  'cpu-profile': { type: 'string' },
  'wait-quiet-s': { type: 'string' },
  workers: { type: 'string' },
  'redis-url': { type: 'string' },
} as const;

/** What `parseArgs` makes of {@link callBenchFlags}. */
interface CallBenchFlagValues {
  readonly levels?: string | undefined;
  readonly 'duration-ms'?: string | undefined;
  readonly 'database-url'?: string | undefined;
  readonly output?: string | undefined;
  readonly 'no-warmup'?: boolean | undefined;
  readonly 'cpu-profile'?: string | undefined;
  readonly 'wait-quiet-s'?: string | undefined;
  readonly workers?: string | undefined;
  readonly 'redis-url'?: string | undefined;
}

/** The options the shared flags ask for; `envPrefix` names the variables read when a flag is absent. */
export function callBenchOptions(values: CallBenchFlagValues, envPrefix: string): CallBenchOptions {
  const databaseUrl = values['database-url'] ?? process.env[`${envPrefix}_DATABASE_URL`];
  const waitQuietS = values['wait-quiet-s'] ?? process.env[`${envPrefix}_WAIT_QUIET_S`];
  const workersText = values.workers ?? process.env[`${envPrefix}_WORKERS`];
  const workers = workersText === undefined || workersText === '' ? undefined : Number(workersText);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) throw new Error(`--workers takes an integer from 1 to 64, not ${String(workersText)}`);
  const redisUrl = values['redis-url'] ?? process.env[`${envPrefix}_REDIS_URL`];
  if (workers !== undefined && workers > 1 && (databaseUrl === undefined || databaseUrl === '' || redisUrl === undefined || redisUrl === '')) {
    throw new Error('--workers above 1 needs --database-url and --redis-url: cluster mode shares PostgreSQL and Redis (docs/cluster.md)');
  }
  if (workers !== undefined && workers > 1 && values['cpu-profile'] !== undefined) {
    throw new Error('--cpu-profile profiles the bench process, which in cluster mode is only the primary: profile without --workers');
  }
  return {
    ...(workers === undefined ? {} : { workers }),
    ...(redisUrl === undefined || redisUrl === '' ? {} : { redisUrl }),
    ...(values.levels === undefined ? {} : { levels: values.levels.split(',').map(Number) }),
    ...(values['duration-ms'] === undefined ? {} : { durationMs: Number(values['duration-ms']) }),
    ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }),
    ...(values.output === undefined ? {} : { output: values.output === '-' ? null : values.output }),
    ...(values['cpu-profile'] === undefined ? {} : { cpuProfile: values['cpu-profile'] }),
    ...(waitQuietS === undefined || waitQuietS === '' ? {} : { waitQuietMs: Number(waitQuietS) * 1000 }),
    warmup: values['no-warmup'] !== true,
  };
}
