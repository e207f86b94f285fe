import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database.ts';
import { openTestDatabase } from '../testing/test-database.ts';

const backends: ReadonlyArray<readonly [string, () => Promise<DatabaseHandle>]> = [
  [process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite', openTestDatabase],
  // What the server runs on without DATABASE_URL (docs: README, Running against PostgreSQL).
  ['PGlite on a worker thread', () => openDatabase({ kind: 'pglite-memory', template: new Blob([readFileSync(inject('pgliteTemplate'))]), thread: 'worker' })],
];

/** Resolves once `payloads` holds `count` items (delivery is asynchronous on both backends). */
async function until(payloads: readonly string[], count: number): Promise<void> {
  for (let i = 0; i < 200 && payloads.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe.each(backends)('LISTEN/NOTIFY on the database handle (%s)', (_name, open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle.close();
  });

  it('delivers a payload to every listener of the channel, the sender included, and to no other channel', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const elsewhere: string[] = [];
    const stops = await Promise.all([
      handle.listen('test_channel_a', (payload) => first.push(payload)),
      handle.listen('test_channel_a', (payload) => second.push(payload)),
      handle.listen('test_channel_b', (payload) => elsewhere.push(payload)),
    ]);
    const payload = JSON.stringify({ text: 'héllo "quoted" ☎', n: 1 });
    await handle.notify('test_channel_a', payload);
    await until(first, 1);
    await until(second, 1);
    await settle();
    expect(first).toEqual([payload]);
    expect(second).toEqual([payload]);
    expect(elsewhere).toEqual([]);
    for (const stop of stops) await stop();
  });

  it('stops one listener on unlisten and keeps the others of the channel; unlisten twice is harmless', async () => {
    const kept: string[] = [];
    const stopped: string[] = [];
    const stopKept = await handle.listen('test_channel_c', (payload) => kept.push(payload));
    const stop = await handle.listen('test_channel_c', (payload) => stopped.push(payload));
    await handle.notify('test_channel_c', 'one');
    await until(kept, 1);
    await until(stopped, 1);
    await stop();
    await stop();
    await handle.notify('test_channel_c', 'two');
    await until(kept, 2);
    await settle();
    expect(kept).toEqual(['one', 'two']);
    expect(stopped).toEqual(['one']);
    await stopKept();
    await handle.notify('test_channel_c', 'three');
    await settle();
    expect(kept).toEqual(['one', 'two']);
  });
});
