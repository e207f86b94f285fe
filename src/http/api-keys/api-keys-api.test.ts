import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let app: TestApplication;
let admin: TestUser;
beforeAll(async () => {
  app = await startTestApplication();
  admin = await createTestUser(app, { role: 'admin' });
});
afterAll(async () => {
  await app.close();
});

interface KeyDto {
  id: string;
  prefix: string;
  name: string;
  scopes: string[];
  lastUsedAt: string | null;
  key?: string;
}

async function createKey(scopes: string[], name = 'backend'): Promise<KeyDto & { key: string }> {
  const res = await app.http.inject({ method: 'POST', url: '/v1/api-keys', headers: admin.headers, payload: { name, scopes } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<KeyDto & { key: string }>();
}

describe('/v1/api-keys', () => {
  it('shows the key once; the list has its prefix, name, scopes and last use, never the secret', async () => {
    const created = await createKey(['read']);
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    await app.http.inject({ url: '/v1/calls', headers: { 'x-api-key': created.key } });
    const list = await app.http.inject({ url: '/v1/api-keys', headers: admin.headers });
    const listed = list.json<{ items: KeyDto[] }>().items.find((k) => k.id === created.id);
    expect(listed).toMatchObject({ prefix: created.prefix, name: 'backend', scopes: ['read'] });
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(list.body).not.toContain(created.key.slice(created.prefix.length + 1));
  });

  it('authenticates with x-api-key and with Authorization: Bearer, within its scopes', async () => {
    const reader = await createKey(['read']);
    expect((await app.http.inject({ url: '/v1/calls', headers: { 'x-api-key': reader.key } })).statusCode).toBe(200);
    expect((await app.http.inject({ url: '/v1/calls', headers: { authorization: `Bearer ${reader.key}` } })).statusCode).toBe(200);
    const refused = await app.http.inject({ method: 'POST', url: '/v1/calls', headers: { 'x-api-key': reader.key }, payload: { userId: 'app-user-1' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ message: string }>().message).toContain('lacks the "calls" scope');
    expect((await app.http.inject({ method: 'POST', url: '/v1/api-keys', headers: { 'x-api-key': reader.key }, payload: { name: 'x', scopes: ['admin'] } })).statusCode).toBe(403);
  });

  it('must name the user a call is for, since a key has none of its own', async () => {
    const caller = await createKey(['calls', 'read']);
    const nameless = await app.http.inject({ method: 'POST', url: '/v1/calls', headers: { 'x-api-key': caller.key }, payload: {} });
    expect(nameless.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.userId', message: 'is required when authenticating with an API key' }] });
    const call = await app.http.inject({ method: 'POST', url: '/v1/calls', headers: { 'x-api-key': caller.key }, payload: { userId: 'app-user-9' } });
    expect(call.statusCode).toBe(201);
    const aero = await app.http.inject({ method: 'POST', url: '/api/calls/start', headers: { 'x-api-key': caller.key }, payload: { userId: 'app-user-9' } });
    expect(aero.statusCode).toBe(200);
    const history = await app.http.inject({ url: '/api/calls/history/app-user-9', headers: { 'x-api-key': caller.key } });
    expect(history.json<unknown[]>()).toHaveLength(2);
  });

  it('stops working the moment it is revoked', async () => {
    const doomed = await createKey(['read']);
    expect((await app.http.inject({ url: '/v1/calls', headers: { 'x-api-key': doomed.key } })).statusCode).toBe(200);
    expect((await app.http.inject({ method: 'DELETE', url: `/v1/api-keys/${doomed.id}`, headers: admin.headers })).statusCode).toBe(204);
    const after = await app.http.inject({ url: '/v1/calls', headers: { 'x-api-key': doomed.key } });
    expect(after.statusCode).toBe(401);
    expect(after.json<{ message: string }>().message).toBe('The API key was revoked');
    expect((await app.http.inject({ url: '/v1/api-keys', headers: admin.headers })).json<{ items: KeyDto[] }>().items.map((k) => k.id)).not.toContain(doomed.id);
  });

  it('is for admins: a member may not list or create keys, and another tenant’s admin cannot revoke ours', async () => {
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    expect((await app.http.inject({ url: '/v1/api-keys', headers: member.headers })).statusCode).toBe(403);
    const ours = await createKey(['read']);
    const stranger = await createTestUser(app, { role: 'admin' });
    expect((await app.http.inject({ method: 'DELETE', url: `/v1/api-keys/${ours.id}`, headers: stranger.headers })).statusCode).toBe(404);
    expect((await app.http.inject({ url: '/v1/calls', headers: { 'x-api-key': ours.key } })).statusCode).toBe(200);
  });

  it('refuses malformed credentials with a clear 401', async () => {
    const cases: Record<string, string>[] = [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer not-a-token' }, { 'x-api-key': 'sb_live_short' }];
    for (const headers of cases) {
      const res = await app.http.inject({ url: '/v1/calls', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toMatchObject({ code: 'unauthenticated' });
    }
  });
});
