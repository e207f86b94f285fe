/**
 * The call benchmarks' database (relay.ts, phone.ts): in-memory PGlite by default, or a scratch
 * database created on a PostgreSQL server for the run and dropped afterwards (the server's other
 * databases are untouched).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../src/store/database.ts';

export interface BenchDatabase {
  readonly kind: 'pglite-memory' | 'postgres';
  readonly database: DatabaseHandle;
  /** The scratch PostgreSQL database's URL (other processes of the bench open it too); none for PGlite. */
  readonly url?: string;
  /** Closes the handle and drops the scratch database, if one was created. */
  close(): Promise<void>;
}

export async function openBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  if (serverUrl === undefined) {
    // On its own thread, as the server runs it (src/app.ts databaseTarget).
    const database = await openDatabase({ kind: 'pglite-memory', thread: 'worker' });
    await database.migrate();
    return { kind: 'pglite-memory', database, close: () => database.close() };
  }
  const name = `switchboard_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end({ timeout: 5 });
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async (): Promise<void> => {
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase({ kind: 'postgres', url: url.toString() });
    await database.migrate();
  } catch (error) {
    await database?.close();
    await drop();
    throw error;
  }
  const opened = database;
  return {
    kind: 'postgres',
    database: opened,
    url: url.toString(),
    async close() {
      await opened.close();
      await drop();
    },
  };
}
