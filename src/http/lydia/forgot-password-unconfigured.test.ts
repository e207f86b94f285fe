import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApplication, type Application } from '../../app.ts';
import { parseConfig } from '../../config/config.ts';
import { createLogger } from '../../core/logger.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { testJwtSecret } from '../../testing/test-application.ts';
import { openTestDatabase } from '../../testing/test-database.ts';

const lines: string[] = [];
let database: DatabaseHandle;
let app: Application;
beforeAll(async () => {
  database = await openTestDatabase();
  const config = parseConfig({ NODE_ENV: 'test', JWT_SECRET: testJwtSecret, REDIS_KEY_PREFIX: `sbtest:${crypto.randomUUID()}:` });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  app = await createApplication(config, createLogger({ level: 'info', destination }), { database });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const parsed = () => lines.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown });

it('without SMTP, says so once at start-up and then refuses forgot-password quietly (no error, no stack)', async () => {
  const atStart = parsed().filter((line) => line.msg.includes('password reset by email is off'));
  expect(atStart).toHaveLength(1);
  expect(atStart[0]?.level).toBe(40);
  const before = lines.length;
  for (let i = 0; i < 3; i += 1) {
    const res = await app.http.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: `anyone${i}@example.test` } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'not_configured', error: expect.stringContaining('SMTP_URL') as string });
  }
  const during = lines.slice(before).join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; err?: unknown });
  expect(during.filter((line) => line.level >= 40)).toEqual([]);
  expect(during.filter((line) => line.err !== undefined)).toEqual([]);
});
