import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';

const operatorKey = 'operator-key-that-is-long-enough-0123456789';
let app: TestApplication;
let disabled: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ env: { ADMIN_API_KEY: operatorKey } });
  disabled = await startTestApplication();
});
afterAll(async () => {
  await app.close();
  await disabled.close();
});

const operator = { authorization: `Bearer ${operatorKey}` };

describe('operator routes (/v1/admin)', () => {
  it('create a tenant and its first API key, with which the tenant then adds its admin', async () => {
    const tenant = await app.http.inject({ method: 'POST', url: '/v1/admin/tenants', headers: operator, payload: { name: 'Globex', slug: 'globex' } });
    expect(tenant.statusCode, tenant.body).toBe(201);
    const { id } = tenant.json<{ id: string }>();
    const taken = await app.http.inject({ method: 'POST', url: '/v1/admin/tenants', headers: { 'x-api-key': operatorKey }, payload: { name: 'Globex 2', slug: 'globex' } });
    expect(taken.json()).toMatchObject({ code: 'slug_taken' });
    const key = await app.http.inject({ method: 'POST', url: `/v1/admin/tenants/${id}/api-keys`, headers: operator, payload: { name: 'bootstrap', scopes: ['admin', 'read'] } });
    expect(key.statusCode).toBe(201);
    const tenantKey = { 'x-api-key': key.json<{ key: string }>().key };
    const adminUser = await app.http.inject({ method: 'POST', url: '/v1/users', headers: tenantKey, payload: { email: 'admin@globex.test', role: 'admin' } });
    expect(adminUser.json()).toMatchObject({ user: { role: 'admin', tenantId: id } });
    const list = await app.http.inject({ url: '/v1/admin/tenants', headers: operator });
    expect(list.json<{ items: { slug: string }[] }>().items.map((t) => t.slug)).toContain('globex');
    const missing = await app.http.inject({ method: 'POST', url: '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/api-keys', headers: operator, payload: { name: 'x', scopes: ['read'] } });
    expect(missing.json()).toMatchObject({ code: 'tenant_not_found' });
  });

  it('grant the operator key nothing else: it is not a tenant credential', async () => {
    expect((await app.http.inject({ url: '/v1/calls', headers: operator })).statusCode).toBe(401);
    expect((await app.http.inject({ url: '/v1/users', headers: operator })).statusCode).toBe(401);
  });

  it('refuse a tenant admin (403), a wrong key and no key (401)', async () => {
    const admin = await createTestUser(app, { role: 'admin' });
    expect((await app.http.inject({ url: '/v1/admin/tenants', headers: admin.headers })).statusCode).toBe(403);
    expect((await app.http.inject({ url: '/v1/admin/tenants', headers: { authorization: `Bearer ${operatorKey}x` } })).json()).toMatchObject({ code: 'unauthenticated', message: 'The operator key is invalid' });
    expect((await app.http.inject({ url: '/v1/admin/tenants' })).statusCode).toBe(401);
  });

  it('are closed when ADMIN_API_KEY is not set, and say so whatever is sent', async () => {
    const admin = await createTestUser(disabled, { role: 'admin' });
    for (const headers of [operator, {}, admin.headers]) {
      const res = await disabled.http.inject({ url: '/v1/admin/tenants', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json<{ message: string }>().message).toBe('Operator routes are disabled: the operator key is not configured on this server (no ADMIN_API_KEY)');
    }
  });
});
