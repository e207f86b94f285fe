import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import { createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { PasswordResets } from './password-resets.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication();
});
afterAll(async () => {
  await app.close();
});

it('a failed delivery is logged without the token, the link or the address', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString()); done(); } }));
  const attempted: MailMessage[] = [];
  const resets = new PasswordResets({
    db: app.database.db,
    clock: systemClock,
    sessions: app.identity.sessions,
    logger,
    resetLink: (token) => `https://app.test/reset/${token}`,
    mailer: {
      send: (message) => {
        attempted.push(message);
        return Promise.reject(new Error(`SMTP 550 for ${message.to}: ${message.text}`));
      },
    },
  });
  const { user } = await createTestUser(app, { password: 'a long enough passphrase', email: 'private.person@example.test' });
  await resets.request('Private.Person@Example.test');
  // Delivery is not awaited by request(); its failure is logged a moment later.
  await vi.waitFor(() => {
    expect(lines.join('')).toContain('password reset mail not delivered');
  });
  const token = /reset\/(\S+)/.exec(attempted[0]?.text ?? '')?.[1] ?? 'missing';
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(lines.join('')).toContain(user.id);
  for (const secret of [token, 'private.person', 'app.test/reset']) expect(lines.join('')).not.toContain(secret);
});
