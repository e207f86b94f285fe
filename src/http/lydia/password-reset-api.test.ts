import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, MailMessage } from '../../services/mail/mailer.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { startTestApplication, type TestApplication } from '../../testing/test-application.ts';

class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  send(message: MailMessage): Promise<void> {
    this.sent.push(message);
    return Promise.resolve();
  }
}

const clock = new ManualClock();
const mailer = new RecordingMailer();
let app: TestApplication;
let noMail: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ clock, mailer, env: { RATE_LIMIT_LOGIN: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000', RATE_LIMIT_SIGNUP_PER_IP: '1000', PASSWORD_RESET_URL: 'https://app.lydia.test/reset/{token}' } });
  noMail = await startTestApplication();
});
afterAll(async () => {
  await app.close();
  await noMail.close();
});

const password = 'a long enough passphrase';
let counter = 0;
const post = (url: string, payload: object) => app.http.inject({ method: 'POST', url, payload });
const login = (email: string, pw: string) => post('/api/auth/login', { email, password: pw });

async function account(): Promise<{ email: string; token: string; refreshToken: string }> {
  counter += 1;
  const email = `reset${counter}@lydia.test`;
  const res = await post('/api/auth/register', { email, password, firstName: 'Léa', lastName: 'Martin' });
  expect(res.statusCode, res.body).toBe(201);
  const { token, refreshToken } = res.json<{ token: string; refreshToken: string }>();
  return { email, token, refreshToken };
}

/** Asks for a reset and returns the token of the link mailed. */
async function resetToken(email: string): Promise<string> {
  const before = mailer.sent.length;
  const res = await post('/api/auth/forgot-password', { email });
  expect(res.statusCode).toBe(202);
  const message = mailer.sent[before];
  expect(message?.to).toBe(email);
  const token = /https:\/\/app\.lydia\.test\/reset\/([A-Za-z0-9_-]{43})/.exec(message?.text ?? '')?.[1];
  expect(token).toBeDefined();
  return token ?? '';
}

describe('forgot-password', () => {
  it('answers 202 alike for an account and for an unknown email, mailing only the account', async () => {
    const { email } = await account();
    const before = mailer.sent.length;
    const known = await post('/api/auth/forgot-password', { email });
    const unknown = await post('/api/auth/forgot-password', { email: 'nobody@lydia.test' });
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(known.json()).toEqual(unknown.json());
    expect(mailer.sent.slice(before).map((m) => m.to)).toEqual([email]);
    expect(mailer.sent.at(-1)?.text).toContain('30 minutes');
  });

  it('answers 503 not_configured, saying why, when the server has no mail transport', async () => {
    const res = await noMail.http.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: 'anyone@lydia.test' } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'not_configured', error: expect.stringContaining('SMTP_URL') as string });
  });
});

describe('reset-password/:token', () => {
  it('sets the new password, ends every session and returns a fresh one', async () => {
    const { email, token: accessToken, refreshToken } = await account();
    const token = await resetToken(email);
    const res = await app.http.inject({ method: 'PUT', url: `/api/auth/reset-password/${token}`, payload: { password: 'a brand new passphrase' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ success: true, user: { email } });
    expect((await app.http.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${accessToken}` } })).statusCode).toBe(401);
    expect((await post('/api/auth/refresh-token', { refreshToken })).statusCode).toBe(401);
    expect((await login(email, password)).statusCode).toBe(401);
    expect((await login(email, 'a brand new passphrase')).statusCode).toBe(200);
  });

  it('works once: the same token again, or an older one of the same account, is refused', async () => {
    const { email } = await account();
    const older = await resetToken(email);
    const token = await resetToken(email);
    expect((await post(`/api/auth/reset-password/${token}`, { password: 'a brand new passphrase' })).statusCode).toBe(200);
    const again = await post(`/api/auth/reset-password/${token}`, { password: 'yet another passphrase' });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'reset_token_invalid', error: expect.stringContaining('invalid, used or expired') as string });
    expect((await post(`/api/auth/reset-password/${older}`, { password: 'yet another passphrase' })).json()).toMatchObject({ code: 'reset_token_invalid' });
    expect((await login(email, 'a brand new passphrase')).statusCode).toBe(200);
  });

  it('expires after 30 minutes', async () => {
    const { email } = await account();
    const fresh = await resetToken(email);
    const stale = await resetToken(email);
    clock.advance(29 * 60_000);
    expect((await post(`/api/auth/reset-password/${fresh}`, { password: 'a brand new passphrase' })).statusCode).toBe(200);
    const other = await account();
    const late = await resetToken(other.email);
    clock.advance(30 * 60_000);
    expect((await post(`/api/auth/reset-password/${late}`, { password: 'a brand new passphrase' })).json()).toMatchObject({ code: 'reset_token_invalid' });
    expect((await post(`/api/auth/reset-password/${stale}`, { password: 'a brand new passphrase' })).json()).toMatchObject({ code: 'reset_token_invalid' });
  });

  it('keeps the token when the new password breaks the policy, and refuses made-up tokens', async () => {
    const { email } = await account();
    const token = await resetToken(email);
    const weak = await post(`/api/auth/reset-password/${token}`, { password: email });
    expect(weak.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.password', message: 'must not be your email address' }] });
    expect((await post(`/api/auth/reset-password/${token}`, { password: 'a good new passphrase' })).statusCode).toBe(200);
    expect((await post(`/api/auth/reset-password/${'A'.repeat(43)}`, { password: 'a good new passphrase' })).json()).toMatchObject({ code: 'reset_token_invalid' });
    expect((await post('/api/auth/reset-password/short', { password: 'a good new passphrase' })).json()).toMatchObject({ code: 'reset_token_invalid' });
  });
});
