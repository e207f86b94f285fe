import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type Database, type DatabaseHandle } from '../store/database.ts';

/**
 * A fresh, migrated database for one test file. With `DATABASE_URL` set (CI's integration run) it is
 * a new database on that PostgreSQL server, dropped on close; otherwise an in-memory PGlite.
 */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') {
    const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
    const handle = await openDatabase({ kind: 'pglite-memory', template });
    await handle.migrate();
    return handle;
  }
  const { default: postgres } = await import('postgres');
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString() });
  await handle.migrate();
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** The test database of one test file, read inside its tests (`db` throws before the file's `beforeAll`). */
export interface TestDatabase {
  readonly db: Database;
}

/** Registers the file's hooks: `openTestDatabase()` before its tests, closed after them. */
export function useTestDatabase(): TestDatabase {
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    handle = await openTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });
  return {
    get db() {
      if (!handle) throw new Error('the test database is open only inside the tests');
      return handle.db;
    },
  };
}
