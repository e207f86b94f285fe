import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.ts';
import { lockPgliteDir } from '../store/pglite-lock.ts';
import { startTestApplication, type TestApplication } from '../testing/test-application.ts';
import { runAdminCreate, usage } from './admin-create.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ env: { RATE_LIMIT_LOGIN: '1000' } });
});
afterAll(async () => {
  await app.close();
});

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAdminCreate(argv, {
    config: app.config,
    database: app.database,
    readStdin: () => Promise.resolve(stdin),
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, out, err };
}

const login = (email: string, password: string) => app.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });

describe('npm run admin:create', () => {
  it('creates a tenant and its admin with a strong generated password, printed once', async () => {
    const { code, out } = await run(['--email', 'Founder@Acme.test', '--tenant', 'Acme', '--name', 'Fran']);
    expect(code).toBe(0);
    expect(out).toContain('Created tenant "Acme" (slug acme');
    const password = /Password \(shown once, store it now\): (\S+)/.exec(out)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const session = await login('founder@acme.test', password);
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ user: { role: 'admin', name: 'Fran' } });
  });

  it('takes the password from stdin with --password-stdin and never prints it', async () => {
    const { code, out } = await run(['--email', 'ops@globex.test', '--tenant', 'Globex', '--slug', 'globex-hq', '--password-stdin'], 'a passphrase from a vault\n');
    expect(code).toBe(0);
    expect(out).toContain('slug globex-hq');
    expect(out).not.toContain('a passphrase from a vault');
    expect((await login('ops@globex.test', 'a passphrase from a vault')).statusCode).toBe(200);
  });

  it('refuses a weak password, a taken email and missing arguments, creating nothing', async () => {
    const weak = await run(['--email', 'weak@x.test', '--tenant', 'Weak', '--password-stdin'], 'short\n');
    expect(weak).toMatchObject({ code: 1, err: 'Refused: The request is invalid (the password read by --password-stdin must be at least 10 characters, not counting spaces)\n' });
    const notEmail = await run(['--email', 'not-an-email', '--tenant', 'Nope']);
    expect(notEmail).toMatchObject({ code: 1, err: 'Refused: The request is invalid (--email must be an email address)\n' });
    const taken = await run(['--email', 'founder@acme.test', '--tenant', 'Again']);
    expect(taken).toMatchObject({ code: 1, err: expect.stringContaining('already exists') as string });
    const missing = await run(['--tenant', 'No email']);
    expect(missing).toMatchObject({ code: 2, err: `${usage}\n` });
    expect(await run(['--email', 'x@x.test', '--tenant', 'X', '--bogus'])).toMatchObject({ code: 2 });
    const tenants = await app.database.db.query.tenants.findMany();
    expect(tenants.map((t) => t.name).sort()).toEqual(['Acme', 'Globex']);
  });

  it('refuses, saying why, while the server holds the embedded database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cli-busy-'));
    const release = lockPgliteDir(join(dataDir, 'pglite'));
    try {
      let err = '';
      const code = await runAdminCreate(['--email', 'busy@x.test', '--tenant', 'Busy'], {
        config: parseConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }),
        readStdin: () => Promise.resolve(''),
        out: () => undefined,
        err: (text) => (err += text),
      });
      expect(code).toBe(1);
      expect(err).toContain('is in use by process');
    } finally {
      release();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is wired as an npm script that runs on a fresh data directory', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['admin:create']).toBe('tsx src/cli/admin-create.ts');
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
    try {
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'DATABASE_URL') env[name] = value;
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/admin-create.ts', '--email', 'cli@proc.test', '--tenant', 'Proc'], {
        env: { ...env, NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/Password \(shown once, store it now\): [A-Za-z0-9_-]{24}/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 100_000);
});
