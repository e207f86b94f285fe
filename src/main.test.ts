import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('start-up in production', () => {
  it('stops with a message naming JWT_SECRET when it is not set, before opening anything', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-prod-'));
    try {
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(process.env)) {
        if (value !== undefined && !/^(JWT_SECRET|DATABASE_URL|REDIS_URL|ADMIN_API_KEY)$/.test(name)) env[name] = value;
      }
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...env, NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('JWT_SECRET');
      expect(result.stderr).toContain('required when NODE_ENV=production');
      expect(result.stdout).not.toContain('listening');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 70_000);
});

describe('start-up in cluster mode', () => {
  it('stops with a message naming DATABASE_URL and REDIS_URL when WORKERS=2 has neither, forking nothing', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cluster-'));
    try {
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(process.env)) {
        if (value !== undefined && !/^(DATABASE_URL|REDIS_URL|WORKERS)$/.test(name)) env[name] = value;
      }
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...env, NODE_ENV: 'test', WORKERS: '2', DATA_DIR: dataDir, PORT: '0' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('WORKERS: 2 workers need DATABASE_URL and REDIS_URL set');
      expect(result.stdout).not.toContain('listening');
      expect(result.stdout).not.toContain('worker');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 70_000);
});
