import { afterEach, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';

let app: TestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const password = 'a long enough passphrase';

async function start(env: Record<string, string>): Promise<TestApplication> {
  app = await startTestApplication({ env: { RATE_LIMIT_SIGNUP_PER_IP: '1000', ...env } });
  return app;
}

async function signUp(a: TestApplication, email: string): Promise<Record<string, string>> {
  const res = await a.http.inject({ method: 'POST', url: '/v1/auth/register', payload: { email, password, tenantName: email } });
  return { authorization: `Bearer ${res.json<{ accessToken: string }>().accessToken}` };
}

describe('current-password checks are attempt-limited', () => {
  it('per user, across addresses and routes, so a stolen access token cannot guess the password', async () => {
    const a = await start({ RATE_LIMIT_LOGIN: '3', RATE_LIMIT_LOGIN_PER_IP: '1000' });
    const headers = await signUp(a, 'victim@limit.test');
    const guess = (url: string, method: 'POST' | 'PUT' | 'PATCH', payload: Record<string, string>, remoteAddress: string) => a.http.inject({ method, url, headers, payload, remoteAddress });
    expect((await guess('/v1/auth/password', 'POST', { currentPassword: 'guess number one', newPassword: 'another passphrase' }, '198.51.100.1')).statusCode).toBe(401);
    expect((await guess('/api/auth/password', 'PUT', { currentPassword: 'guess number two', newPassword: 'another passphrase' }, '198.51.100.2')).statusCode).toBe(401);
    expect((await guess('/v1/auth/profile', 'PATCH', { email: 'thief@limit.test', currentPassword: 'guess number three' }, '198.51.100.3')).statusCode).toBe(401);

    const refused = await guess('/v1/auth/password', 'POST', { currentPassword: password, newPassword: 'another passphrase' }, '198.51.100.4');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('Too many current-password attempts for this account') as string });
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await guess('/api/auth/profile', 'PUT', { email: 'thief@limit.test', currentPassword: password }, '198.51.100.5')).statusCode).toBe(429);

    // Requests that verify no password are not counted, and other users are not affected.
    expect((await guess('/v1/auth/profile', 'PATCH', { name: 'Still Me' }, '198.51.100.6')).statusCode).toBe(200);
    const other = await createTestUser(a, { role: 'admin', password });
    const change = await a.http.inject({ method: 'POST', url: '/v1/auth/password', headers: other.headers, payload: { currentPassword: 'a wrong guess', newPassword: 'another passphrase' } });
    expect(change.json()).toMatchObject({ code: 'invalid_credentials' });
  }, 60_000);

  it('per address, with the same counter as login attempts', async () => {
    const a = await start({ RATE_LIMIT_LOGIN: '1000', RATE_LIMIT_LOGIN_PER_IP: '3' });
    const headers = await signUp(a, 'shared@limit.test');
    const ip = '203.0.113.9';
    for (const email of ['x@limit.test', 'y@limit.test']) {
      expect((await a.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: ip })).statusCode).toBe(401);
    }
    const third = await a.http.inject({ method: 'POST', url: '/v1/auth/password', headers, payload: { currentPassword: 'a wrong guess', newPassword: 'another passphrase' }, remoteAddress: ip });
    expect(third.statusCode).toBe(401);
    const fourth = await a.http.inject({ method: 'POST', url: '/v1/auth/password', headers, payload: { currentPassword: password, newPassword: 'another passphrase' }, remoteAddress: ip });
    expect(fourth.json()).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('Too many login attempts from this address') as string });
    expect((await a.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'shared@limit.test', password }, remoteAddress: ip })).statusCode).toBe(429);
  }, 60_000);
});
