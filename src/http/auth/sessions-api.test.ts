import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { startTestApplication, type TestApplication } from '../../testing/test-application.ts';

interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; role: string };
}

const clock = new ManualClock();
let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ clock, env: { RATE_LIMIT_LOGIN: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000', RATE_LIMIT_SIGNUP_PER_IP: '1000' } });
});
afterAll(async () => {
  await app.close();
});

let counter = 0;
async function register(): Promise<Session & { email: string; password: string }> {
  counter += 1;
  const email = `owner${counter}@acme.test`;
  const password = 'a long enough passphrase';
  const res = await app.http.inject({ method: 'POST', url: '/v1/auth/register', payload: { email, password, tenantName: `Acme ${counter}` } });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json<Session>(), email, password };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const refresh = (refreshToken: string) => app.http.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
const me = (token: string) => app.http.inject({ url: '/v1/auth/me', headers: bearer(token) });

describe('refresh tokens', () => {
  it('rotate on use: each one works once and returns its successor', async () => {
    const session = await register();
    const first = await refresh(session.refreshToken);
    expect(first.statusCode).toBe(200);
    const next = first.json<Session>();
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect((await me(next.accessToken)).statusCode).toBe(200);
    expect((await refresh(next.refreshToken)).statusCode).toBe(200);
  });

  it('revoke the whole family when a used one comes back (a stolen copy)', async () => {
    const session = await register();
    const rotated = (await refresh(session.refreshToken)).json<Session>();
    const reuse = await refresh(session.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('already used') as string });
    // The legitimate successor dies with the family.
    const successor = await refresh(rotated.refreshToken);
    expect(successor.statusCode).toBe(401);
    expect(successor.json<{ message: string }>().message).toContain('revoked');
  });

  it('on reuse, also end the access tokens of that user: the thief and the owner are both logged out', async () => {
    const session = await register();
    const rotated = (await refresh(session.refreshToken)).json<Session>();
    expect((await me(session.accessToken)).statusCode).toBe(200);
    expect((await me(rotated.accessToken)).statusCode).toBe(200);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    for (const token of [session.accessToken, rotated.accessToken]) {
      const res = await me(token);
      expect(res.statusCode).toBe(401);
    }
    // Logging in again works at once.
    const again = await app.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: session.email, password: session.password } });
    expect((await me(again.json<Session>().accessToken)).statusCode).toBe(200);
  });

  it('refuse an access token, saying that is what it is', async () => {
    const session = await register();
    const res = await refresh(session.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json<{ message: string }>().message).toContain('This is an access token');
  });

  it('are not accepted as bearer credentials', async () => {
    const session = await register();
    const res = await me(session.refreshToken);
    expect(res.statusCode).toBe(401);
    expect(res.json<{ message: string }>().message).toContain('refresh token goes to POST /v1/auth/refresh');
  });

  it('expire, and so do access tokens', async () => {
    const session = await register();
    clock.advance(15 * 60_000 + 10_000);
    const expired = await me(session.accessToken);
    expect(expired.statusCode).toBe(401);
    expect(expired.json<{ message: string }>().message).toContain('expired');
    const renewed = (await refresh(session.refreshToken)).json<Session>();
    expect((await me(renewed.accessToken)).statusCode).toBe(200);
    clock.advance(30 * 86_400_000 + 1);
    const old = await refresh(renewed.refreshToken);
    expect(old.statusCode).toBe(401);
    expect(old.json<{ message: string }>().message).toContain('expired');
  });
});

describe('logout and password change', () => {
  it('logout ends the session of that refresh token; logout everywhere also kills access tokens', async () => {
    const session = await register();
    const other = (await app.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: session.email, password: session.password } })).json<Session>();
    const out = await app.http.inject({ method: 'POST', url: '/v1/auth/logout', headers: bearer(session.accessToken), payload: { refreshToken: session.refreshToken } });
    expect(out.statusCode).toBe(204);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    expect((await me(other.accessToken)).statusCode).toBe(200);
    const everywhere = await app.http.inject({ method: 'POST', url: '/v1/auth/logout', headers: bearer(other.accessToken), payload: { everywhere: true } });
    expect(everywhere.statusCode).toBe(204);
    expect((await me(other.accessToken)).json<{ message: string }>().message).toContain('revoked');
    expect((await refresh(other.refreshToken)).statusCode).toBe(401);
  });

  it('password change needs the current password, revokes every session and returns a fresh one', async () => {
    const session = await register();
    const wrong = await app.http.inject({ method: 'POST', url: '/v1/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: 'not it at all', newPassword: 'another long passphrase' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
    const weak = await app.http.inject({ method: 'POST', url: '/v1/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: session.password, newPassword: session.email } });
    expect(weak.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.newPassword', message: 'must not be your email address' }] });
    const changed = await app.http.inject({ method: 'POST', url: '/v1/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: session.password, newPassword: 'another long passphrase' } });
    expect(changed.statusCode).toBe(200);
    const fresh = changed.json<Session>();
    expect((await me(session.accessToken)).statusCode).toBe(401);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    expect((await me(fresh.accessToken)).statusCode).toBe(200);
    const oldLogin = await app.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: session.email, password: session.password } });
    expect(oldLogin.statusCode).toBe(401);
    const newLogin = await app.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: session.email.toUpperCase(), password: 'another long passphrase' } });
    expect(newLogin.statusCode).toBe(200);
  });
});
