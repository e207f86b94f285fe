import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';
import { resolveJwtSecret } from './secrets.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-secrets-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the JWT secret', () => {
  it('outside production is generated once into DATA_DIR/secrets (mode 0600) and reused on the next start', () => {
    const config = parseConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const first = resolveJwtSecret(config);
    expect(first.source).toBe('generated');
    expect(first.value.byteLength).toBeGreaterThanOrEqual(32);
    const path = join(dataDir, 'secrets', 'jwt-secret');
    expect(first.path).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = resolveJwtSecret(parseConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }));
    expect(again.source).toBe('file');
    expect(Buffer.from(again.value).equals(Buffer.from(first.value))).toBe(true);
    expect(readFileSync(path, 'utf8').trim()).toBe(Buffer.from(first.value).toString('utf8'));
  });

  it('comes from JWT_SECRET when set, and never from a file in production', () => {
    const fromEnv = resolveJwtSecret(parseConfig({ JWT_SECRET: 's'.repeat(40), DATA_DIR: dataDir }));
    expect(fromEnv).toEqual({ value: Buffer.from('s'.repeat(40)), source: 'env' });
    const production = { ...parseConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40), DATA_DIR: dataDir }), identity: { ...parseConfig({}).identity } };
    expect(() => resolveJwtSecret(production)).toThrow(ConfigError);
  });

  it('refuses a kept secret that was truncated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-secrets-short-'));
    try {
      resolveJwtSecret(parseConfig({ DATA_DIR: dir }));
      writeFileSync(join(dir, 'secrets', 'jwt-secret'), 'short');
      expect(() => resolveJwtSecret(parseConfig({ DATA_DIR: dir }))).toThrow(/shorter than 32 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
