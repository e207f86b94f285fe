import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The real server (`src/main.ts`) in its own process, listening on 127.0.0.1. */
export interface ChildServer {
  readonly baseUrl: string;
  readonly pid: number;
  /** Whether the process has exited. */
  readonly exited: boolean;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
  /** Every line the process (and, in cluster mode, its workers) wrote so far that matches `pattern`. */
  linesMatching(pattern: RegExp): string[];
}

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Variables the server reads: none leaks from the test's own environment into the child. */
const configVariables =
  /^(NODE_ENV|HOST|PORT|PUBLIC_URL|TRUST_PROXY|DATA_DIR|DATABASE_URL|REDIS_URL|REDIS_KEY_PREFIX|WORKERS|LOG_LEVEL|LOG_PRETTY|BODY_LIMIT_BYTES|JWT_.*|ACCESS_TOKEN_.*|REFRESH_TOKEN_.*|ADMIN_API_KEY|SIGNUP_ENABLED|EXTERNAL_JWT_.*|OPENAI_.*|GEMINI_.*|TWILIO_.*)$/;
/** A fixed secret, so the child writes no development secret under `DATA_DIR` (or `./data` on PostgreSQL). */
const childJwtSecret = 'switchboard-e2e-child-jwt-secret-0123456789';
const keptLines = 40;

/**
 * Job settings of the kill-and-restart tests: `concurrency` jobs at a time, polled every 100 ms, and a
 * short lease, so after a kill the new process takes the interrupted jobs back 3 s after their last heartbeat.
 */
export function shortLeaseJobEnv(concurrency: number): Readonly<Record<string, string>> {
  return { JOB_CONCURRENCY: String(concurrency), JOB_POLL_INTERVAL_MS: '100', JOB_LEASE_MS: '3000', JOB_SHUTDOWN_GRACE_MS: '5000' };
}

/**
 * The address a start-up line reports: Fastify's "Server listening at …" in a single process, or the
 * cluster primary's "Switchboard is listening" (logged once every worker is ready).
 */
function listeningAddress(line: string): string | undefined {
  const single = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
  if (single !== undefined || !line.includes('"msg":"Switchboard is listening"')) return single;
  return /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(line)?.[1];
}

/**
 * Starts `node --import tsx src/main.ts` with `env` on top of a clean configuration (PORT 0 on
 * 127.0.0.1, info logs, a fixed JWT secret) and resolves once it reports the address it listens on. Callers must
 * `kill()` it: a test never leaves a process behind.
 */
/** Spawns `node --import tsx src/main.ts` with `env` on top of the same clean configuration, stdout and stderr piped. */
export function spawnServerProcess(env: Readonly<Record<string, string>>): ChildProcessByStdio<null, Readable, Readable> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !configVariables.test(name)));
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repositoryRoot,
    env: { ...inherited, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', JWT_SECRET: childJwtSecret, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function startChildServer(env: Readonly<Record<string, string>>, timeoutMs = 60_000): Promise<ChildServer> {
  const child = spawnServerProcess(env);
  const lines: string[] = [];
  const everyLine: string[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const output = (): string => lines.join('\n');
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${message}\n--- server output ---\n${output()}`));
    };
    const timer = setTimeout(() => {
      fail(`the server did not listen within ${String(timeoutMs)} ms`);
    }, timeoutMs);
    const onLine = (line: string): void => {
      lines.push(line);
      everyLine.push(line);
      if (lines.length > keptLines) lines.shift();
      const address = listeningAddress(line);
      if (address === undefined || child.pid === undefined || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        baseUrl: address,
        pid: child.pid,
        get exited() {
          return exit !== null;
        },
        kill(signal) {
          if (exit === null) child.kill(signal);
          return exited;
        },
        output,
        linesMatching: (pattern) => everyLine.filter((line) => pattern.test(line)),
      });
    };
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const part of parts) onLine(part);
      });
    }
    void exited.then(({ code, signal }) => {
      fail(`the server exited before listening (code ${String(code)}, signal ${String(signal)})`);
    });
  });
}
