import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from './config.ts';

export interface ResolvedSecret {
  readonly value: Uint8Array;
  /** `env`: from the variable; `file`: kept from an earlier start; `generated`: created just now. */
  readonly source: 'env' | 'file' | 'generated';
  /** The file it lives in, when it is not from the environment. */
  readonly path?: string;
}

function readSecretFile(path: string, name: string): Uint8Array | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value = Buffer.from(text, 'utf8');
  if (value.byteLength < 32) throw new ConfigError([`${name}: the secret kept in ${path} is shorter than 32 bytes; delete the file or set ${name}`]);
  return value;
}

/**
 * The value of a secret variable. Set: used as is. Unset in production: start-up stops (config
 * validation already refuses it). Unset elsewhere: generated once (48 random bytes) into
 * `DATA_DIR/secrets/<file>` with mode 0600 and reused on every later start, so tokens survive restarts.
 */
export function resolveSecret(config: Config, name: string, fromEnv: string | undefined, file: string): ResolvedSecret {
  if (fromEnv !== undefined) return { value: Buffer.from(fromEnv, 'utf8'), source: 'env' };
  if (config.nodeEnv === 'production') throw new ConfigError([`${name}: is required when NODE_ENV=production`]);
  const dir = join(config.dataDir, 'secrets');
  const path = join(dir, file);
  const existing = readSecretFile(path, name);
  if (existing) return { value: existing, source: 'file', path };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // `wx`: if another process created it meanwhile, keep theirs.
    writeFileSync(path, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const created = readSecretFile(path, name);
  if (!created) throw new Error(`could not keep ${name} in ${path}`);
  return { value: created, source: 'generated', path };
}

/** `JWT_SECRET`, or the development secret kept in `DATA_DIR/secrets/jwt-secret`. */
export function resolveJwtSecret(config: Config): ResolvedSecret {
  return resolveSecret(config, 'JWT_SECRET', config.identity.jwtSecret, 'jwt-secret');
}
