import { describe, expect, it } from 'vitest';
import { startTestApplication } from '../../testing/test-application.ts';
import { useSignupApplications } from '../../testing/test-application-fixtures.ts';

interface Token {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

const signup = useSignupApplications();

const password = 'a long enough passphrase';
let counter = 0;
const json = (url: string, payload: object) => signup.app.http.inject({ method: 'POST', url, payload });
const form = (url: string, fields: Record<string, string>) =>
  signup.app.http.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function registered(fullName?: string): Promise<{ email: string; id: string }> {
  counter += 1;
  const email = `speaker${counter}@aura.test`;
  const res = await json('/api/v1/auth/register', { email, password, ...(fullName ? { full_name: fullName } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  return { email, id: res.json<{ id: string }>().id };
}

describe('register', () => {
  it('answers 201 with the user (no tokens), a tenant of their own', async () => {
    counter += 1;
    const res = await json('/api/v1/auth/register', { email: `Claire${counter}@AURA.test`, password, full_name: 'Claire Orateur' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String) as string,
      email: `claire${counter}@aura.test`,
      full_name: 'Claire Orateur',
      is_active: true,
      created_at: expect.any(String) as string,
      updated_at: expect.any(String) as string,
    });
  });

  it('errors carry `detail` (FastAPI style) beside our envelope; signup follows SIGNUP_ENABLED', async () => {
    const { email } = await registered();
    const again = await json('/api/v1/auth/register', { email, password });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'email_taken', detail: 'An account with this email already exists' });
    const unknown = await json('/api/v1/auth/register', { email: 'x@aura.test', password, username: 'x' });
    expect(unknown.json()).toMatchObject({ code: 'validation_failed', detail: 'The request is invalid', details: [{ path: 'body.username' }] });
    const off = await signup.closed.http.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'x@aura.test', password } });
    expect(off.statusCode).toBe(403);
    expect(off.json<{ detail: string }>().detail).toContain('signup is disabled');
  });
});

describe('login', () => {
  it('takes JSON {email, password} and answers an OAuth2 bearer token response', async () => {
    const { email } = await registered();
    const res = await json('/api/v1/auth/login', { email, password });
    expect(res.statusCode).toBe(200);
    const token = res.json<Token>();
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number) as number });
    expect((await signup.app.http.inject({ url: '/api/v1/auth/me', headers: bearer(token.access_token) })).json()).toMatchObject({ email });
    // The refresh token works with the server's own refresh route.
    expect((await json('/v1/auth/refresh', { refreshToken: token.refresh_token })).statusCode).toBe(200);
  });

  it('takes the OAuth2 password form FastAPI clients post (username = the email)', async () => {
    const { email } = await registered();
    const res = await form('/api/v1/auth/login', { grant_type: 'password', username: email.toUpperCase(), password, scope: '' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Token>().token_type).toBe('bearer');
    const wrong = await form('/api/v1/auth/login', { username: email, password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials', detail: 'Email or password is incorrect' });
    const noUser = await form('/api/v1/auth/login', { password });
    expect(noUser.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.email' }] });
  });

  it('forms are parsed on this surface only', async () => {
    const res = await signup.app.http.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: 'email=a%40b.test&password=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
  });

  it('counts attempts with the login rate limit, form or JSON alike', async () => {
    const limited = await startTestApplication({ env: { RATE_LIMIT_LOGIN: '2' } });
    try {
      const email = 'someone@aura.test';
      const viaJson = () => limited.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'wrong password' } });
      const viaForm = () =>
        limited.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: `username=${encodeURIComponent(email)}&password=wrong`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect([(await viaJson()).statusCode, (await viaForm()).statusCode]).toEqual([401, 401]);
      const third = await viaForm();
      expect(third.statusCode).toBe(429);
      expect(third.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('Too many login attempts') as string });
    } finally {
      await limited.close();
    }
  });
});

describe('me and profile', () => {
  it('GET /auth/me and /user/profile show the user; PUT /user/profile changes full_name', async () => {
    const { email, id } = await registered('Avant');
    const token = (await json('/api/v1/auth/login', { email, password })).json<Token>().access_token;
    expect((await signup.app.http.inject({ url: '/api/v1/user/profile', headers: bearer(token) })).json()).toMatchObject({ id, email, full_name: 'Avant' });
    const put = await signup.app.http.inject({ method: 'PUT', url: '/api/v1/user/profile', headers: bearer(token), payload: { full_name: 'Après' } });
    expect(put.json()).toMatchObject({ id, full_name: 'Après' });
    expect((await signup.app.http.inject({ url: '/api/v1/auth/me', headers: bearer(token) })).json()).toMatchObject({ full_name: 'Après' });
    const refused = await signup.app.http.inject({ method: 'PUT', url: '/api/v1/user/profile', headers: bearer(token), payload: { full_name: 'x', email: 'other@aura.test' } });
    expect(refused.json()).toMatchObject({ details: [{ path: 'body.email' }] });
  });

  it('need a token: 401 with detail', async () => {
    const res = await signup.app.http.inject({ url: '/api/v1/user/profile' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated', detail: expect.stringContaining('Authentication required') as string });
  });
});
