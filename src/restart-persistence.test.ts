import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApplication } from './app.ts';
import { parseConfig } from './config/config.ts';
import { createTestUser } from './testing/test-identity.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-restart-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded PGlite under DATA_DIR', () => {
  it('keeps a call created before a restart, and the access token issued before it', async () => {
    // No JWT_SECRET: the development secret kept in DATA_DIR must be the same after the restart.
    const config = parseConfig({ NODE_ENV: 'test', DATA_DIR: dataDir });
    const first = await createApplication(config, pino({ level: 'silent' }));
    const { headers } = await createTestUser(first);
    const created = await first.http.inject({ method: 'POST', url: '/api/calls/start', payload: { userId: 'restart-user' }, headers });
    const { callId } = created.json<{ callId: string }>();
    await first.close();

    const second = await createApplication(config, pino({ level: 'silent' }));
    try {
      const res = await second.http.inject({ url: `/v1/calls/${callId}`, headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: callId, status: 'created' });
      const history = await second.http.inject({ url: '/api/calls/history/restart-user', headers });
      expect(history.json<{ id: string }[]>().map((c) => c.id)).toEqual([callId]);
    } finally {
      await second.close();
    }
  }, 120_000);
});
