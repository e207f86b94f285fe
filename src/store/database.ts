import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { lockPgliteDir } from './pglite-lock.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;

/** One database type for both backends: every query is written against this. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction handle is usable wherever a `Database` is. */
export type Executor = Database;

/** Stops a subscription made with `listen`; idempotent. */
export type Unlisten = () => Promise<void>;

/**
 * PostgreSQL `LISTEN`/`NOTIFY` on the shared database: a notification reaches every listener of its
 * channel on this database, in this process and in every other one (PGlite: every application sharing
 * the handle). Delivery is at most once and only to listeners subscribed when it is sent; payloads are
 * text, at most 8000 bytes. A channel name is a lower-case SQL identifier.
 */
export interface Notifications {
  /**
   * Subscribes to `channel`; resolves once notifications are being received. `onPayload` must not
   * throw (it runs outside any caller's stack).
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten>;
  /** Sends `payload` to every listener of `channel`, committed at once (never part of a transaction). */
  notify(channel: string, payload: string): Promise<void>;
}

export interface DatabaseHandle extends Notifications {
  readonly db: Database;
  readonly kind: 'pglite' | 'postgres';
  /** Applies pending migrations; safe to call from several processes at once on PostgreSQL. */
  migrate(): Promise<void>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: an image of the data directory, to seed other in-memory databases. */
  dump?: () => Promise<Blob>;
}

/**
 * Where PGlite runs: `worker` (a thread of its own, so its synchronous statements never hold up a
 * call's event loop; what the server uses) or `main` (in this thread: what tests use, cheaper to start).
 */
export type PgliteThreading = 'main' | 'worker';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'pglite'; readonly dataDir: string; readonly thread?: PgliteThreading }
  /** In memory; `template` is a `dumpDataDir()` image to start from instead of running initdb (tests). */
  | { readonly kind: 'pglite-memory'; readonly template?: Blob; readonly thread?: PgliteThreading };

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** `stop` run at most once, however often the returned function is called. */
function onceOnly(stop: () => Promise<void>): Unlisten {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stop());
}

/** Arbitrary constant: the advisory lock key that serialises migrations across processes. */
const migrationLockKey = 7_340_211;

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max: 10, onnotice: () => undefined, connect_timeout: 10 });
  const db = drizzle(client, { schema });
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // A dedicated one-connection client, so the session-level advisory lock and the migration share it.
      const lockClient = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
      try {
        await lockClient`select pg_advisory_lock(${migrationLockKey})`;
        await migrate(drizzle(lockClient, { schema }), { migrationsFolder });
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    // postgres.js listens on a connection of its own, re-subscribing when it reconnects.
    async listen(channel, onPayload) {
      const subscription = await client.listen(channel, onPayload);
      return onceOnly(() => subscription.unlisten());
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/** The PGlite calls drizzle and this module make, whichever thread the database runs on. */
interface PgliteClient {
  readonly closed: boolean;
  close(): Promise<void>;
  dumpDataDir(compression: 'none'): Promise<Blob>;
  query(sql: string, params: unknown[]): Promise<unknown>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

async function startPglite(dataDir: string | undefined, template: Blob | undefined, thread: PgliteThreading): Promise<{ client: PgliteClient; forDrizzle: PGlite }> {
  if (thread === 'worker') {
    const { PgliteThread } = await import('./pglite-thread/pglite-thread-client.ts');
    const client = await PgliteThread.start({ ...(dataDir === undefined ? {} : { dataDir }), ...(template === undefined ? {} : { template }) });
    // drizzle's PGlite driver calls `query` and `transaction` (with `query`/`rollback` on the
    // transaction) and nothing else; the thread client has exactly those (pglite-thread-client.ts).
    return { client, forDrizzle: client as unknown as PGlite };
  }
  const { PGlite: InProcess } = await import('@electric-sql/pglite');
  const client = dataDir !== undefined ? new InProcess(dataDir) : template === undefined ? new InProcess() : new InProcess({ loadDataDir: template });
  await client.waitReady;
  return { client, forDrizzle: client };
}

async function openPglite(dataDir: string | undefined, template: Blob | undefined, thread: PgliteThreading): Promise<DatabaseHandle> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir === undefined ? () => undefined : lockPgliteDir(dataDir);
  let client: PgliteClient;
  let forDrizzle: PGlite;
  try {
    ({ client, forDrizzle } = await startPglite(dataDir, template, thread));
  } catch (error) {
    unlock();
    throw error;
  }
  const db = drizzle({ client: forDrizzle, schema });
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migrate(db, { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    // One connection for all: a notification is delivered to every callback of its channel, the sender's
    // too. A callback of its own per subscription: both clients keep callbacks in a set.
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, (payload) => {
        onPayload(payload);
      });
      return onceOnly(async () => {
        if (!client.closed) await unlisten();
      });
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      if (!client.closed) await client.close();
      unlock();
    },
    dump: () => client.dumpDataDir('none'),
  };
}

/** Opens the configured database. Nothing is migrated until `migrate()` is called. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  switch (target.kind) {
    case 'postgres':
      return openPostgres(target.url);
    case 'pglite':
      return openPglite(target.dataDir, undefined, target.thread ?? 'main');
    case 'pglite-memory':
      return openPglite(undefined, target.template, target.thread ?? 'main');
  }
}
