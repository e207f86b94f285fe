import { describe, expect, it } from 'vitest';
import { useSignupApplications } from '../../testing/test-application-fixtures.ts';

const signup = useSignupApplications();

const password = 'a long enough passphrase';
const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => signup.app.http.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers });

describe('signup', () => {
  it('creates a new tenant with the registrant as its admin and a default agent, and returns a session', async () => {
    const res = await post('/v1/auth/register', { email: 'Founder@Acme.Test', password, name: 'Fran', tenantName: 'Acme Corp.' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ accessToken: string; tokenType: string; expiresIn: number; user: { email: string; role: string; tenantId: string }; tenant: { id: string; slug: string } }>();
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: 'founder@acme.test', role: 'admin', name: 'Fran' }, tenant: { slug: 'acme-corp' } });
    const me = await signup.app.http.inject({ url: '/v1/auth/me', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.json()).toMatchObject({ kind: 'user', role: 'admin', scopes: ['read', 'write', 'calls', 'admin'], tenant: { id: body.tenant.id }, user: { email: 'founder@acme.test' } });
    const call = await post('/v1/calls', {}, { authorization: `Bearer ${body.accessToken}` });
    expect(call.statusCode).toBe(201);
  });

  it('never joins an existing tenant: the same tenant name gets a new tenant, the same email is refused', async () => {
    const a = (await post('/v1/auth/register', { email: 'a@dup.test', password, tenantName: 'Dup' })).json<{ tenant: { id: string; slug: string } }>();
    const b = (await post('/v1/auth/register', { email: 'b@dup.test', password, tenantName: 'Dup' })).json<{ tenant: { id: string; slug: string } }>();
    expect(b.tenant.id).not.toBe(a.tenant.id);
    expect(b.tenant.slug).toMatch(/^dup-[0-9a-f]{6}$/);
    const again = await post('/v1/auth/register', { email: 'A@DUP.TEST', password, tenantName: 'Other' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'email_taken' });
  });

  it('enforces the password policy with field details', async () => {
    const short = await post('/v1/auth/register', { email: 'p@policy.test', password: 'short', tenantName: 'P' });
    expect(short.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.password' }] });
    const same = await post('/v1/auth/register', { email: 'same-as-password@policy.test', password: 'same-as-password@policy.test', tenantName: 'P' });
    expect(same.json()).toMatchObject({ details: [{ path: 'body.password', message: 'must not be your email address' }] });
  });

  it('is refused when SIGNUP_ENABLED=false', async () => {
    const res = await signup.closed.http.inject({ method: 'POST', url: '/v1/auth/register', payload: { email: 'x@signup.closed.test', password, tenantName: 'X' } });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ message: string }>().message).toContain('signup is disabled');
  });
});

describe('login', () => {
  it('answers an unknown email and a wrong password alike', async () => {
    await post('/v1/auth/register', { email: 'known@login.test', password, tenantName: 'L' });
    const unknown = await post('/v1/auth/login', { email: 'nobody@login.test', password });
    const wrong = await post('/v1/auth/login', { email: 'known@login.test', password: 'wrong password here' });
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401);
      expect({ ...res.json<object>(), requestId: '' }).toEqual({ code: 'invalid_credentials', message: 'Email or password is incorrect', requestId: '' });
    }
    expect((await post('/v1/auth/login', { email: 'KNOWN@login.test', password })).statusCode).toBe(200);
  });
});

describe('profile', () => {
  it('changes the name freely and the email only with the current password', async () => {
    const { accessToken } = (await post('/v1/auth/register', { email: 'me@profile.test', password, tenantName: 'Pr' })).json<{ accessToken: string }>();
    const auth = { authorization: `Bearer ${accessToken}` };
    const named = await signup.app.http.inject({ method: 'PATCH', url: '/v1/auth/profile', headers: auth, payload: { name: 'New Name' } });
    expect(named.json()).toMatchObject({ name: 'New Name', email: 'me@profile.test' });
    const noPassword = await signup.app.http.inject({ method: 'PATCH', url: '/v1/auth/profile', headers: auth, payload: { email: 'new@profile.test' } });
    expect(noPassword.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.currentPassword' }] });
    await post('/v1/auth/register', { email: 'taken@profile.test', password, tenantName: 'Pr2' });
    const taken = await signup.app.http.inject({ method: 'PATCH', url: '/v1/auth/profile', headers: auth, payload: { email: 'Taken@profile.test', currentPassword: password } });
    expect(taken.statusCode).toBe(409);
    const moved = await signup.app.http.inject({ method: 'PATCH', url: '/v1/auth/profile', headers: auth, payload: { email: 'New@Profile.test', currentPassword: password } });
    expect(moved.json()).toMatchObject({ email: 'new@profile.test' });
    expect((await post('/v1/auth/login', { email: 'new@profile.test', password })).statusCode).toBe(200);
  });
});
