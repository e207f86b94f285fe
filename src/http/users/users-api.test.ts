import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ env: { RATE_LIMIT_LOGIN: '1000' } });
});
afterAll(async () => {
  await app.close();
});

interface UserDto {
  id: string;
  email: string | null;
  role: string;
  canLogIn: boolean;
}

const as = (actor: TestUser) => actor.headers;

describe('/v1/users', () => {
  it('lets an admin add a member with a generated password shown once, who can then log in', async () => {
    const admin = await createTestUser(app, { role: 'admin' });
    const res = await app.http.inject({ method: 'POST', url: '/v1/users', headers: as(admin), payload: { email: 'New.Member@Team.test', name: 'Nina' } });
    expect(res.statusCode, res.body).toBe(201);
    const { user, initialPassword } = res.json<{ user: UserDto; initialPassword: string }>();
    expect(user).toMatchObject({ email: 'new.member@team.test', role: 'member', canLogIn: true });
    expect(initialPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const login = await app.http.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'new.member@team.test', password: initialPassword } });
    expect(login.statusCode).toBe(200);
    const list = await app.http.inject({ url: '/v1/users', headers: as(admin) });
    expect(list.json<{ items: UserDto[] }>().items.map((u) => u.id)).toEqual([admin.user.id, user.id]);
  });

  it('lets a member read only themselves, and nothing else of the user list', async () => {
    const admin = await createTestUser(app, { role: 'admin' });
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    expect((await app.http.inject({ url: `/v1/users/${member.user.id}`, headers: as(member) })).json()).toMatchObject({ id: member.user.id });
    expect((await app.http.inject({ url: `/v1/users/${admin.user.id}`, headers: as(member) })).statusCode).toBe(403);
    expect((await app.http.inject({ url: '/v1/users', headers: as(member) })).statusCode).toBe(403);
    const promote = await app.http.inject({ method: 'PATCH', url: `/v1/users/${member.user.id}`, headers: as(member), payload: { role: 'admin' } });
    expect(promote.statusCode).toBe(403);
  });

  it('keeps every tenant with an admin, and a role change ends the user’s sessions', async () => {
    const admin = await createTestUser(app, { role: 'admin' });
    const demoteSelf = await app.http.inject({ method: 'PATCH', url: `/v1/users/${admin.user.id}`, headers: as(admin), payload: { role: 'member' } });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json()).toMatchObject({ code: 'last_admin' });
    expect((await app.http.inject({ method: 'DELETE', url: `/v1/users/${admin.user.id}`, headers: as(admin) })).statusCode).toBe(409);
    const second = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    const promoted = await app.http.inject({ method: 'PATCH', url: `/v1/users/${second.user.id}`, headers: as(admin), payload: { role: 'admin' } });
    expect(promoted.json()).toMatchObject({ role: 'admin' });
    // The promoted user's old token carried the member role: it is refused, a new login gets the new role.
    expect((await app.http.inject({ url: '/v1/auth/me', headers: as(second) })).statusCode).toBe(401);
    expect((await app.http.inject({ method: 'DELETE', url: `/v1/users/${admin.user.id}`, headers: as(admin) })).statusCode).toBe(204);
    expect((await app.http.inject({ url: '/v1/auth/me', headers: as(admin) })).statusCode).toBe(401);
  });

  it('never reaches another tenant’s users', async () => {
    const a = await createTestUser(app, { role: 'admin' });
    const b = await createTestUser(app, { role: 'admin' });
    for (const request of [
      { url: `/v1/users/${b.user.id}` },
      { method: 'PATCH' as const, url: `/v1/users/${b.user.id}`, payload: { name: 'x' } },
      { method: 'DELETE' as const, url: `/v1/users/${b.user.id}` },
    ]) {
      const res = await app.http.inject({ ...request, headers: as(a) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'user_not_found' });
    }
    expect((await app.http.inject({ url: '/v1/users', headers: as(a) })).json<{ items: UserDto[] }>().items.map((u) => u.id)).toEqual([a.user.id]);
  });

  it('refuses a duplicate email and a password without an email', async () => {
    const admin = await createTestUser(app, { role: 'admin', email: 'boss@dupes.test' });
    const dup = await app.http.inject({ method: 'POST', url: '/v1/users', headers: as(admin), payload: { email: 'BOSS@dupes.test' } });
    expect(dup.statusCode).toBe(409);
    const noEmail = await app.http.inject({ method: 'POST', url: '/v1/users', headers: as(admin), payload: { externalId: 'app-7', password: 'a long enough passphrase' } });
    expect(noEmail.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.password' }] });
    const appUser = await app.http.inject({ method: 'POST', url: '/v1/users', headers: as(admin), payload: { externalId: 'app-7' } });
    expect(appUser.json()).toMatchObject({ user: { externalId: 'app-7', canLogIn: false }, initialPassword: null });
  });
});
