import { describe, expect, it } from 'vitest';
import { startTestApplication } from '../../testing/test-application.ts';
import { useSignupApplications } from '../../testing/test-application-fixtures.ts';

interface Session {
  success: true;
  token: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; _id: string; email: string; firstName: string; lastName: string; role: string; companyId: string; company: string };
}

const signup = useSignupApplications();

const password = 'a long enough passphrase';
let counter = 0;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (url: string, payload: object, headers: Record<string, string> = {}) => signup.app.http.inject({ method: 'POST', url, payload, headers });
const put = (url: string, payload: object, headers: Record<string, string> = {}) => signup.app.http.inject({ method: 'PUT', url, payload, headers });
const me = (token: string) => signup.app.http.inject({ url: '/api/auth/me', headers: bearer(token) });
const refresh = (refreshToken: string) => post('/api/auth/refresh-token', { refreshToken });

async function register(extra: object = {}): Promise<Session & { email: string }> {
  counter += 1;
  const email = `owner${counter}@lydia.test`;
  const res = await post('/api/auth/register', { email, password, firstName: 'Léa', lastName: 'Martin', ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json<Session>(), email };
}

describe('register and login', () => {
  it('register creates a new company with the registrant as its admin, names kept apart', async () => {
    const session = await register({ companyName: 'Boulangerie Martin' });
    expect(session).toMatchObject({ success: true, expiresIn: expect.any(Number) as number, user: { firstName: 'Léa', lastName: 'Martin', role: 'admin' } });
    expect(session.user._id).toBe(session.user.id);
    expect(session.user.company).toBe(session.user.companyId);
    const who = (await me(session.token)).json<{ user: Session['user']; company: { id: string; name: string } }>();
    expect(who.company).toMatchObject({ id: session.user.companyId, name: 'Boulangerie Martin' });
    // The same person through the /v1 API: one identity, one name.
    const v1 = await signup.app.http.inject({ url: '/v1/auth/me', headers: bearer(session.token) });
    expect(v1.json()).toMatchObject({ role: 'admin', user: { name: 'Léa Martin' }, tenant: { name: 'Boulangerie Martin' } });
  });

  it('register without a company name names the company after the person; the same email twice is 409', async () => {
    const session = await register();
    expect((await me(session.token)).json()).toMatchObject({ company: { name: 'Léa Martin' } });
    const again = await post('/api/auth/register', { email: session.email.toUpperCase(), password, firstName: 'X', lastName: 'Y' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'email_taken', error: 'An account with this email already exists' });
  });

  it('errors carry our envelope and the message again as `error`, validation details included', async () => {
    const res = await post('/api/auth/register', { email: 'bad', password: 'short', firstName: 'A', lastName: 'B', companyId: 'x' });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; message: string; error: string; requestId: string; details: { path: string }[] }>();
    expect(body).toMatchObject({ code: 'validation_failed', error: body.message });
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(body.details.map((d) => d.path)).toEqual(expect.arrayContaining(['body.companyId', 'body.email', 'body.password']));
    const anonymous = await signup.app.http.inject({ url: '/api/auth/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'unauthenticated', error: expect.stringContaining('Authentication required') as string });
  });

  it('register follows SIGNUP_ENABLED', async () => {
    const res = await signup.closed.http.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'x@signup.closed.test', password, firstName: 'A', lastName: 'B' } });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: string }>().error).toContain('signup is disabled');
  });

  it('login answers a session; a wrong password and an unknown email get the same 401', async () => {
    const { email } = await register();
    const ok = await post('/api/auth/login', { email, password });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<Session>().user).toMatchObject({ email, firstName: 'Léa', role: 'admin' });
    const wrong = await post('/api/auth/login', { email, password: 'not the password' });
    const unknown = await post('/api/auth/login', { email: 'nobody@lydia.test', password });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json<{ error: string }>().error).toBe(unknown.json<{ error: string }>().error);
  });

  it('login counts attempts with the login rate limit', async () => {
    const limited = await startTestApplication({ env: { RATE_LIMIT_LOGIN: '2' } });
    try {
      const attempt = () => limited.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x@limit.test', password: 'whatever it is' } });
      expect([(await attempt()).statusCode, (await attempt()).statusCode]).toEqual([401, 401]);
      const third = await attempt();
      expect(third.statusCode).toBe(429);
      expect(third.json()).toMatchObject({ code: 'rate_limited', error: expect.stringContaining('Too many login attempts') as string });
    } finally {
      await limited.close();
    }
  });
});

describe('tokens', () => {
  it('refresh-token rotates: each refresh token works once; reusing one revokes its family', async () => {
    const session = await register();
    const next = await refresh(session.refreshToken);
    expect(next.statusCode).toBe(200);
    const rotated = next.json<Session>();
    expect(rotated.user.firstName).toBe('Léa');
    const reuse = await refresh(session.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json<{ error: string }>().error).toContain('already used');
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401);
  });

  it('refresh-token refuses an access token (the seed renewed them forever)', async () => {
    const session = await register();
    const res = await refresh(session.token);
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: string }>().error).toContain('access token');
  });

  it('logout with the refresh token ends that session only; without it, every session', async () => {
    const session = await register();
    const other = (await post('/api/auth/login', { email: session.email, password })).json<Session>();
    const out = await post('/api/auth/logout', { refreshToken: session.refreshToken }, bearer(session.token));
    expect(out.json()).toEqual({ success: true, message: 'Logged out' });
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    expect((await refresh(other.refreshToken)).statusCode).toBe(200);
    const third = (await post('/api/auth/login', { email: session.email, password })).json<Session>();
    const everywhere = await signup.app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(third.token) });
    expect(everywhere.statusCode, everywhere.body).toBe(200);
    expect((await me(third.token)).statusCode).toBe(401);
    expect((await refresh(third.refreshToken)).statusCode).toBe(401);
  });

  it('password change (PUT or POST) needs the current password, ends every session and returns a fresh one', async () => {
    const session = await register();
    const wrong = await put('/api/auth/password', { currentPassword: 'not it at all', newPassword: 'another long passphrase' }, bearer(session.token));
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
    const mismatch = await put('/api/auth/password', { currentPassword: password, newPassword: 'another long passphrase', confirmPassword: 'different' }, bearer(session.token));
    expect(mismatch.json()).toMatchObject({ details: [{ path: 'body.confirmPassword' }] });
    const changed = await put('/api/auth/password', { currentPassword: password, newPassword: 'another long passphrase' }, bearer(session.token));
    expect(changed.statusCode).toBe(200);
    expect((await me(session.token)).statusCode).toBe(401);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    const fresh = changed.json<Session>();
    const again = await post('/api/auth/password', { currentPassword: 'another long passphrase', newPassword: 'a third long passphrase' }, bearer(fresh.token));
    expect(again.statusCode).toBe(200);
  });
});

describe('profile', () => {
  it('changes names at once, and the email only with the current password', async () => {
    const session = await register();
    const renamed = await put('/api/auth/profile', { firstName: 'Mathieu' }, bearer(session.token));
    expect(renamed.json()).toMatchObject({ user: { firstName: 'Mathieu', lastName: 'Martin' } });
    const noPassword = await put('/api/auth/profile', { email: `new-${session.email}` }, bearer(session.token));
    expect(noPassword.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.currentPassword' }] });
    const moved = await put('/api/auth/profile', { email: `new-${session.email}`, currentPassword: password, lastName: 'Dupont' }, bearer(session.token));
    expect(moved.json()).toMatchObject({ user: { email: `new-${session.email}`, firstName: 'Mathieu', lastName: 'Dupont' } });
  });

  it('are user routes: an API key is refused', async () => {
    const session = await register();
    const { key } = await signup.app.identity.apiKeys.create({ tenantId: session.user.companyId, name: 'k', scopes: ['read', 'write', 'calls', 'admin'], createdByUserId: null });
    const res = await signup.app.http.inject({ url: '/api/auth/me', headers: { 'x-api-key': key } });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: string }>().error).toContain('needs a user token');
  });
});
