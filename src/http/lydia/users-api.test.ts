import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';
import { liftedLoginLimits } from '../../testing/test-application-fixtures.ts';

interface LydiaUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: 'admin' | 'user';
  companyId: string;
}

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ env: liftedLoginLimits });
});
afterAll(async () => {
  await app.close();
});

const password = 'a long enough passphrase';
let counter = 0;
type Headers = Record<string, string>;
const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Headers, payload?: object) =>
  app.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });

/** A company with its admin (through Lydia's register) and a member (added by the admin). */
async function company(): Promise<{ admin: Headers; adminUser: LydiaUser; member: Headers; memberUser: LydiaUser; companyId: string }> {
  counter += 1;
  const reg = await call('POST', '/api/auth/register', {}, { email: `admin${counter}@users.test`, password, firstName: 'Ada', lastName: 'Admin', companyName: `Co ${counter}` });
  const { token, user: adminUser } = reg.json<{ token: string; user: LydiaUser }>();
  const admin = { authorization: `Bearer ${token}` };
  const created = await call('POST', '/api/users', admin, { email: `member${counter}@users.test`, firstName: 'Max', lastName: 'Member', password });
  expect(created.statusCode, created.body).toBe(201);
  const memberUser = created.json<{ user: LydiaUser }>().user;
  const login = await call('POST', '/api/auth/login', {}, { email: memberUser.email, password });
  return { admin, adminUser, member: { authorization: `Bearer ${login.json<{ token: string }>().token}` }, memberUser, companyId: adminUser.companyId };
}

describe('admins', () => {
  it('add users with names and a role (user = member); a generated password is shown once', async () => {
    const c = await company();
    expect(c.memberUser).toMatchObject({ firstName: 'Max', lastName: 'Member', role: 'user', companyId: c.companyId });
    const generated = await call('POST', '/api/users', c.admin, { email: `gen${counter}@users.test`, firstName: 'Gen', lastName: 'Erated', role: 'admin' });
    const body = generated.json<{ user: LydiaUser; initialPassword: string }>();
    expect(body.user.role).toBe('admin');
    expect(body.initialPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await call('POST', '/api/auth/login', {}, { email: body.user.email, password: body.initialPassword })).statusCode).toBe(200);
  });

  it('list their company’s users only, with names (also users made through /v1, names from the display name)', async () => {
    const c = await company();
    await createTestUser(app, { tenant: c.companyId, role: 'member', email: `v1-${counter}@users.test` });
    await app.http.inject({ method: 'POST', url: '/v1/users', headers: c.admin, payload: { email: `named-${counter}@users.test`, name: 'Jean Pierre Dupont' } });
    const other = await company();
    const list = (await call('GET', '/api/users', c.admin)).json<{ users: LydiaUser[] }>().users;
    expect(list.map((u) => u.companyId)).toEqual(list.map(() => c.companyId));
    expect(list.map((u) => u.id)).not.toContain(other.adminUser.id);
    expect(list.find((u) => u.email === `named-${counter - 1}@users.test`)).toMatchObject({ firstName: 'Jean', lastName: 'Pierre Dupont' });
    expect(list.find((u) => u.email === `v1-${counter - 1}@users.test`)).toMatchObject({ firstName: `v1-${counter - 1}`, lastName: '' });
  });

  it('change names and roles; the last admin can be neither demoted nor deleted', async () => {
    const c = await company();
    const renamed = await call('PUT', `/api/users/${c.memberUser.id}`, c.admin, { lastName: 'Renamed', role: 'admin' });
    expect(renamed.json()).toMatchObject({ user: { firstName: 'Max', lastName: 'Renamed', role: 'admin' } });
    // The promotion ended the member's sessions (their token carried the old role).
    expect((await call('GET', '/api/auth/me', c.member)).statusCode).toBe(401);
    await call('PUT', `/api/users/${c.memberUser.id}`, c.admin, { role: 'user' });
    const demoteSelf = await call('PUT', `/api/users/${c.adminUser.id}`, c.admin, { role: 'user' });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json()).toMatchObject({ code: 'last_admin', error: 'A tenant keeps at least one admin' });
    expect((await call('DELETE', `/api/users/${c.adminUser.id}`, c.admin)).json()).toMatchObject({ code: 'last_admin' });
    const deleted = await call('DELETE', `/api/users/${c.memberUser.id}`, c.admin);
    expect(deleted.json()).toEqual({ success: true, message: 'User deleted' });
    expect((await call('GET', `/api/users/${c.memberUser.id}`, c.admin)).statusCode).toBe(404);
  });

  it('never reach another company’s users: 404 as for an unknown id', async () => {
    const c = await company();
    const other = await company();
    for (const [method, payload] of [['GET'], ['PUT', { firstName: 'Hacked' }], ['DELETE']] as const) {
      const res = await call(method, `/api/users/${other.memberUser.id}`, c.admin, payload);
      expect(res.statusCode, method).toBe(404);
      expect(res.json()).toMatchObject({ code: 'user_not_found' });
    }
    expect((await call('GET', `/api/users/${other.memberUser.id}`, other.admin)).json()).toMatchObject({ user: { firstName: 'Max' } });
  });
});

describe('members', () => {
  it('read and rename only themselves, and cannot change their role or list users', async () => {
    const c = await company();
    expect((await call('GET', `/api/users/${c.memberUser.id}`, c.member)).statusCode).toBe(200);
    expect((await call('PUT', `/api/users/${c.memberUser.id}`, c.member, { firstName: 'Maxime' })).json()).toMatchObject({ user: { firstName: 'Maxime' } });
    expect((await call('GET', `/api/users/${c.adminUser.id}`, c.member)).statusCode).toBe(403);
    expect((await call('PUT', `/api/users/${c.adminUser.id}`, c.member, { firstName: 'X' })).statusCode).toBe(403);
    const promote = await call('PUT', `/api/users/${c.memberUser.id}`, c.member, { role: 'admin' });
    expect(promote.statusCode).toBe(403);
    expect(promote.json<{ error: string }>().error).toBe('Only an admin can change a role');
    expect((await call('GET', '/api/users', c.member)).statusCode).toBe(403);
    expect((await call('POST', '/api/users', c.member, { email: 'x@users.test', firstName: 'X', lastName: 'Y' })).statusCode).toBe(403);
    expect((await call('DELETE', `/api/users/${c.memberUser.id}`, c.member)).statusCode).toBe(403);
  });

  it('read their company at /api/users/me/company, as do API keys of the company', async () => {
    const c = await company();
    const res = await call('GET', '/api/users/me/company', c.member);
    expect(res.json()).toMatchObject({ success: true, company: { id: c.companyId, name: `Co ${counter}`, voiceConfig: { voice: 'Polly.Léa', language: 'fr-FR' } } });
    const key = await createTestApiKey(app, { tenantId: c.companyId, scopes: ['read'] });
    expect((await call('GET', '/api/users/me/company', key.headers)).json()).toMatchObject({ company: { id: c.companyId } });
  });
});
