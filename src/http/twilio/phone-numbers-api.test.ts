/**
 * `/v1/phone-numbers`: E.164 only, one tenant per number on the whole server, the agent must be one of
 * the tenant's shared agents, and another tenant's numbers are 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let app: TestApplication;
let admin: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  app = await startTestApplication();
  admin = await createTestUser(app, { role: 'admin' });
  stranger = await createTestUser(app, { role: 'admin' });
});
afterAll(async () => {
  await app.close();
});

function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user: { headers: Readonly<Record<string, string>> }, payload?: object) {
  return app.http.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
}

describe('phone numbers API', () => {
  it('adds, reads, changes and removes a number', async () => {
    const agent = (await call('POST', '/v1/agents', admin, { name: 'Front desk', shared: true })).json<{ id: string }>();
    const created = await call('POST', '/v1/phone-numbers', admin, { number: '+33100000030', agentId: agent.id, label: 'Paris' });
    expect(created.statusCode).toBe(201);
    const number = created.json<{ id: string }>();
    expect(number).toMatchObject({ number: '+33100000030', agentId: agent.id, mode: 'realtime', label: 'Paris' });

    expect((await call('GET', '/v1/phone-numbers', admin)).json()).toMatchObject({ items: [{ id: number.id }] });
    expect((await call('GET', `/v1/phone-numbers/${number.id}`, admin)).json()).toMatchObject({ id: number.id });
    const changed = await call('PATCH', `/v1/phone-numbers/${number.id}`, admin, { mode: 'ivr', agentId: null, label: null });
    expect(changed.json()).toMatchObject({ mode: 'ivr', agentId: null, label: null });
    expect((await call('DELETE', `/v1/phone-numbers/${number.id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', `/v1/phone-numbers/${number.id}`, admin)).json()).toMatchObject({ code: 'phone_number_not_found' });
  });

  it('accepts E.164 only, and no unknown field', async () => {
    for (const bad of ['0123456789', '+0123456789', '+33 1 23 45 67 89', '+1234', '+1234567890123456']) {
      const res = await call('POST', '/v1/phone-numbers', admin, { number: bad });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.number' }] });
    }
    const typo = await call('POST', '/v1/phone-numbers', admin, { number: '+33100000031', agnetId: 'x' });
    expect(typo.json()).toMatchObject({ details: [{ path: 'body.agnetId', message: 'is not a known field' }] });
  });

  it('gives a number to one tenant only (409 for the next, whoever it is)', async () => {
    expect((await call('POST', '/v1/phone-numbers', admin, { number: '+33100000032' })).statusCode).toBe(201);
    for (const user of [admin, stranger]) {
      const again = await call('POST', '/v1/phone-numbers', user, { number: '+33100000032' });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'phone_number_taken' });
    }
  });

  it('takes only the tenant’s own shared agents', async () => {
    const theirs = (await call('POST', '/v1/agents', stranger, { name: 'Theirs', shared: true })).json<{ id: string }>();
    const foreign = await call('POST', '/v1/phone-numbers', admin, { number: '+33100000033', agentId: theirs.id });
    expect(foreign.json()).toMatchObject({ code: 'agent_not_found' });
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    const own = (await call('POST', '/v1/agents', member, { name: 'Mine' })).json<{ id: string }>();
    const personal = await call('POST', '/v1/phone-numbers', admin, { number: '+33100000033', agentId: own.id });
    expect(personal.statusCode).toBe(400);
    expect(personal.json()).toMatchObject({ details: [{ path: 'body.agentId', message: 'must be a tenant-wide agent, not a user’s own agent' }] });
  });

  it('hides other tenants’ numbers and refuses members and keys without the admin scope', async () => {
    const ours = (await call('POST', '/v1/phone-numbers', admin, { number: '+33100000034' })).json<{ id: string }>();
    expect((await call('GET', `/v1/phone-numbers/${ours.id}`, stranger)).statusCode).toBe(404);
    expect((await call('PATCH', `/v1/phone-numbers/${ours.id}`, stranger, { label: 'x' })).statusCode).toBe(404);
    expect((await call('DELETE', `/v1/phone-numbers/${ours.id}`, stranger)).statusCode).toBe(404);
    expect((await call('GET', '/v1/phone-numbers', stranger)).json()).toEqual({ items: [] });
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    expect((await call('GET', '/v1/phone-numbers', member)).statusCode).toBe(403);
    const readKey = await createTestApiKey(app, { tenantId: admin.tenant.id, scopes: ['read', 'calls'] });
    expect((await call('POST', '/v1/phone-numbers', readKey, { number: '+33100000035' })).statusCode).toBe(403);
  });
});
