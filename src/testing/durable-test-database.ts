import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../store/database.ts';

/**
 * A database that outlives a server process, for tests that run the server as a child process and
 * then look at what it left on disk (a crash, a restart). Chosen like {@link openTestDatabase}: a new
 * database on the PostgreSQL server in `DATABASE_URL` when it is set, otherwise PGlite files under a
 * temporary `DATA_DIR`.
 */
export interface DurableTestDatabase {
  readonly kind: 'pglite' | 'postgres';
  /** Environment for the server process: `DATA_DIR`, or `DATABASE_URL`. */
  readonly env: Readonly<Record<string, string>>;
  /** Opens the database from the test process (only once the server process has exited, for PGlite). */
  open(): Promise<DatabaseHandle>;
  /** Deletes the files or drops the database. */
  dispose(): Promise<void>;
}

export async function createDurableTestDatabase(): Promise<DurableTestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  return serverUrl === undefined || serverUrl === '' ? createPgliteFiles() : createPostgresDatabase(serverUrl);
}

/**
 * PGlite files under a temporary DATA_DIR, at the path the server uses (`$DATA_DIR/pglite`). They
 * start as a copy of the migrated template image, so the server skips initdb (about 10 s here).
 */
async function createPgliteFiles(): Promise<DurableTestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-durable-'));
  const pgliteDir = join(dataDir, 'pglite');
  const { PGlite } = await import('@electric-sql/pglite');
  const seed = new PGlite(pgliteDir, { loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
  await seed.waitReady;
  await seed.close();
  return {
    kind: 'pglite',
    env: { DATA_DIR: dataDir },
    open: () => openDatabase({ kind: 'pglite', dataDir: pgliteDir }),
    dispose() {
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/** A new, empty database on the server in `DATABASE_URL`; the server process migrates it at start-up. */
async function createPostgresDatabase(serverUrl: string): Promise<DurableTestDatabase> {
  const { default: postgres } = await import('postgres');
  const name = `sb_durable_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    open: () => openDatabase({ kind: 'postgres', url: url.toString() }),
    async dispose() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
