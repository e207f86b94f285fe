import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApplication, type Application } from '../../app.ts';
import { parseConfig } from '../../config/config.ts';
import { createLogger } from '../../core/logger.ts';
import type { MailMessage } from '../../services/mail/mailer.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { testJwtSecret } from '../../testing/test-application.ts';
import { openTestDatabase } from '../../testing/test-database.ts';

const lines: string[] = [];
const mails: MailMessage[] = [];
let database: DatabaseHandle;
let app: Application;
beforeAll(async () => {
  database = await openTestDatabase();
  const config = parseConfig({ NODE_ENV: 'test', JWT_SECRET: testJwtSecret, REDIS_KEY_PREFIX: `sbtest:${crypto.randomUUID()}:`, PASSWORD_RESET_URL: 'https://app.test/reset-password/{token}' });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'trace', destination });
  app = await createApplication(config, logger, {
    database,
    mailer: {
      send: (message) => {
        mails.push(message);
        return Promise.resolve();
      },
    },
  });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

it('no log line of a whole reset (forgot, reset, reuse) holds the reset token or the passwords', async () => {
  const email = 'logs@lydia.test';
  const password = 'a long enough passphrase';
  const newPassword = 'a brand new passphrase';
  expect((await app.http.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password, firstName: 'L', lastName: 'M' } })).statusCode).toBe(201);
  expect((await app.http.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email } })).statusCode).toBe(202);
  const token = /reset-password\/([A-Za-z0-9_-]{43})/.exec(mails[0]?.text ?? '')?.[1] ?? 'missing';
  for (const method of ['PUT', 'POST'] as const) {
    await app.http.inject({ method, url: `/api/auth/reset-password/${token}`, payload: { password: newPassword } });
  }
  const log = lines.join('');
  expect(log).toContain('/api/auth/reset-password/[redacted]');
  for (const secret of [token, password, newPassword]) expect(log).not.toContain(secret);
});
