import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../database.ts';
import { tenants } from '../schema/tenants.ts';
import { isUniqueViolation } from '../unique-violation.ts';
import type { Worker } from 'node:worker_threads';
import { PgliteThread, startPgliteWorker } from './pglite-thread-client.ts';

/** The suite's migrated image (global-setup.ts): a worker opens it in a second or two instead of running initdb. */
function migratedImage(): Blob {
  return new Blob([readFileSync(inject('pgliteTemplate'))]);
}

function tenant(slug: string): typeof tenants.$inferInsert {
  const at = new Date('2026-11-21T10:00:00.000Z');
  return { id: crypto.randomUUID(), name: `Tenant ${slug}`, slug, createdAt: at, updatedAt: at };
}

async function slugs(handle: DatabaseHandle): Promise<string[]> {
  return (await handle.db.select({ slug: tenants.slug }).from(tenants)).map((row) => row.slug);
}

describe('PGlite on a worker thread, through drizzle', () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await openDatabase({ kind: 'pglite-memory', template: migratedImage(), thread: 'worker' });
    await handle.migrate();
  }, 60_000);

  afterAll(async () => {
    await handle.close();
  });

  it('runs the query builder: rows come back typed (dates, JSON, numbers)', async () => {
    const row = tenant('alpha');
    await handle.db.insert(tenants).values(row);
    const [read] = await handle.db.select().from(tenants).where(eq(tenants.slug, 'alpha'));
    expect(read).toMatchObject({ id: row.id, name: 'Tenant alpha', slug: 'alpha' });
    expect(read?.createdAt).toEqual(row.createdAt);
    const json = (await handle.db.execute(sql`select ${JSON.stringify({ a: [1, 'two'] })}::jsonb as value, 2::int4 + 3 as sum`)) as { rows: unknown[] };
    expect(json.rows).toEqual([{ value: { a: [1, 'two'] }, sum: 5 }]);
  });

  it('reports a unique violation with its SQLSTATE, as in process', async () => {
    await handle.db.insert(tenants).values(tenant('dup'));
    const failure = await handle.db
      .insert(tenants)
      .values(tenant('dup'))
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(isUniqueViolation(failure)).toBe(true);
  });

  it('commits a transaction that resolves, rolls back one that throws or calls rollback(), and keeps a failed savepoint apart', async () => {
    await handle.db.transaction(async (tx) => {
      await tx.insert(tenants).values(tenant('kept'));
    });
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(tenants).values(tenant('thrown'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(tenants).values(tenant('rolled'));
        tx.rollback();
      }),
    ).rejects.toThrow();
    await handle.db.transaction(async (tx) => {
      await tx.insert(tenants).values(tenant('outer'));
      await tx
        .transaction(async (inner) => {
          await inner.insert(tenants).values(tenant('inner'));
          throw new Error('inner only');
        })
        .catch(() => undefined);
    });
    const present = await slugs(handle);
    expect(present).toEqual(expect.arrayContaining(['kept', 'outer']));
    expect(present).not.toEqual(expect.arrayContaining(['thrown']));
    expect(present).not.toEqual(expect.arrayContaining(['rolled']));
    expect(present).not.toEqual(expect.arrayContaining(['inner']));
  });

  it('makes a query from outside wait for an open transaction', async () => {
    let outsideSaw: number | null = null;
    await handle.db.transaction(async (tx) => {
      await tx.insert(tenants).values(tenant('isolated'));
      void handle.db
        .select()
        .from(tenants)
        .where(eq(tenants.slug, 'isolated'))
        .then((rows) => (outsideSaw = rows.length));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(outsideSaw).toBeNull();
    });
    await expect.poll(() => outsideSaw).toBe(1);
  });
});

describe('the PGlite thread client', () => {
  it('delivers notifications, refuses non-identity parsers, dumps an image another thread opens, and refuses calls once closed', async () => {
    const thread = await PgliteThread.start({ template: migratedImage() });
    let image: Blob;
    try {
      const payloads: string[] = [];
      const unlisten = await thread.listen('call_control', (payload) => payloads.push(payload));
      await thread.query("select pg_notify('call_control', 'first')");
      await expect.poll(() => payloads).toEqual(['first']);
      await unlisten();
      await thread.query("select pg_notify('call_control', 'second')");
      await thread.query('select 1');
      expect(payloads).toEqual(['first']);

      await expect(thread.query('select 1', [], { parsers: { 23: (value) => Number(value) } })).rejects.toThrow('not an identity');

      await thread.query('create table notes (body text)');
      await thread.query('insert into notes values ($1)', ['kept']);
      image = await thread.dumpDataDir();
    } finally {
      await thread.close();
    }
    await expect(thread.query('select 1')).rejects.toThrow('closed');
    const copy = await PgliteThread.start({ template: image });
    try {
      expect((await copy.query('select body from notes')).rows).toEqual([{ body: 'kept' }]);
    } finally {
      await copy.close();
    }
  }, 60_000);

  it('keeps an on-disk database across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pglite-thread-'));
    try {
      const first = await openDatabase({ kind: 'pglite', dataDir, thread: 'worker' });
      await first.migrate();
      await first.db.insert(tenants).values(tenant('durable'));
      await first.close();
      const second = await openDatabase({ kind: 'pglite', dataDir, thread: 'worker' });
      try {
        expect(await slugs(second)).toEqual(['durable']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('fails every pending and later call with a clear error when the thread dies', async () => {
    let worker: Worker | null = null;
    const thread = await PgliteThread.start({ template: migratedImage() }, (target) => (worker = startPgliteWorker(target)));
    try {
      // A statement that is still running inside the worker when the thread dies under it.
      const pending = thread.query('select pg_sleep(30)');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await (worker as Worker | null)?.terminate();
      await expect(pending).rejects.toThrow('PGlite database thread exited');
      await expect(thread.query('select 1')).rejects.toThrow('PGlite database thread exited');
    } finally {
      await thread.close();
    }
  }, 60_000);
});
