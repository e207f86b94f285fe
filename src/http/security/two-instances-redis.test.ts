/**
 * Two server instances on one database and one Redis: the rate limits are shared. Runs only when
 * REDIS_URL is set (CI's integration run); each run uses its own Redis key prefix.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplication, type Application } from '../../app.ts';
import { parseConfig } from '../../config/config.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { testJwtSecret } from '../../testing/test-application.ts';

const redisUrl = process.env.REDIS_URL;

describe.skipIf(redisUrl === undefined || redisUrl === '')('two instances sharing Redis', () => {
  let database: DatabaseHandle;
  let a: Application;
  let b: Application;

  beforeAll(async () => {
    database = await openTestDatabase();
    const config = parseConfig({
      NODE_ENV: 'test',
      JWT_SECRET: testJwtSecret,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `sbtest:${randomUUID()}:`,
      RATE_LIMIT_PER_IP: '40',
    });
    a = await createApplication(config, pino({ level: 'silent' }), { database });
    b = await createApplication(config, pino({ level: 'silent' }), { database });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.close();
  });

  const login = (app: Application, email: string, remoteAddress: string) =>
    app.http.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress, payload: { email, password: 'not-the-password' } });

  it('holds the login limit across both: 3 attempts on A and 2 on B pass, the 6th is refused on either', async () => {
    const ip = '198.51.100.10';
    for (let i = 0; i < 3; i += 1) expect((await login(a, 'shared@example.com', ip)).statusCode).toBe(401);
    for (let i = 0; i < 2; i += 1) expect((await login(b, 'shared@example.com', ip)).statusCode).toBe(401);
    const sixth = await login(b, 'shared@example.com', ip);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(800);
    expect((await login(a, 'shared@example.com', ip)).statusCode).toBe(429);
  });

  it('holds the per-IP limit across both', async () => {
    const ip = '198.51.100.11';
    const statuses: number[] = [];
    for (let i = 0; i < 44; i += 1) statuses.push((await (i % 2 === 0 ? a : b).http.inject({ url: '/health', remoteAddress: ip })).statusCode);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(40)).toEqual([429, 429, 429, 429]);
    expect((await a.http.inject({ url: '/health', remoteAddress: '198.51.100.12' })).statusCode).toBe(200);
  });

  it('lets exactly 5 of 20 concurrent login attempts through, spread over both instances', async () => {
    const attempts = Array.from({ length: 20 }, (_, i) => login(i % 2 === 0 ? a : b, 'burst@example.com', '198.51.100.13'));
    const statuses = (await Promise.all(attempts)).map((r) => r.statusCode);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });
});
