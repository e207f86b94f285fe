import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createApplication, type Application } from '../app.ts';
import { parseConfig, type Config } from '../config/config.ts';
import type { Clock } from '../core/clock.ts';
import type { Mailer } from '../services/mail/mailer.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { openTestDatabase } from './test-database.ts';

export { createTestApiKey, createTestTenant, createTestUser, type TestUser } from './test-identity.ts';

/** The JWT secret of test applications (a fixed one: tests never touch `DATA_DIR/secrets`). */
export const testJwtSecret = 'switchboard-test-jwt-secret-0123456789abcdef';

export interface TestApplication extends Application {
  readonly config: Config;
}

/** The whole application on a fresh test database, silent logs, ready for `http.inject()`. */
export async function startTestApplication(options: { clock?: Clock; env?: Record<string, string>; mailer?: Mailer } = {}): Promise<TestApplication> {
  const database: DatabaseHandle = await openTestDatabase();
  // Rate-limit counters of one application are its own, even on a shared Redis (integration run).
  const redisKeyPrefix = `sbtest:${randomUUID()}:`;
  // A test mailer needs the client's reset page too, as SMTP_URL does (docs/lydia.md).
  const resetPage = options.mailer ? { PASSWORD_RESET_URL: 'https://app.test/reset-password/{token}' } : {};
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: testJwtSecret, REDIS_KEY_PREFIX: redisKeyPrefix, ...resetPage, ...options.env });
  const app = await createApplication(config, pino({ level: 'silent' }), {
    database,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.mailer ? { mailer: options.mailer } : {}),
  });
  return {
    ...app,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
