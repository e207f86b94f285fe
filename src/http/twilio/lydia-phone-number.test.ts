/** Lydia's `/api/companies/:companyId/phone-number`: the company's one line over the phone numbers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let app: TestApplication;
let admin: TestUser;
let other: TestUser;

beforeAll(async () => {
  app = await startTestApplication();
  admin = await createTestUser(app, { role: 'admin' });
  other = await createTestUser(app, { role: 'admin' });
});
afterAll(async () => {
  await app.close();
});

function line(user: TestUser, method: 'GET' | 'PUT', companyId: string, payload?: object) {
  return app.http.inject({ method, url: `/api/companies/${companyId}/phone-number`, headers: user.headers, ...(payload ? { payload } : {}) });
}

describe('Lydia company phone line', () => {
  it('sets, reads, replaces and removes the line (a new line answers with the IVR)', async () => {
    const id = admin.tenant.id;
    expect((await line(admin, 'GET', id)).json()).toEqual({ success: true, phoneNumber: null, mode: null, agentId: null });
    expect((await line(admin, 'PUT', id, { phoneNumber: '+33187650001' })).json()).toEqual({ success: true, phoneNumber: '+33187650001', mode: 'ivr', agentId: null });
    const listed = await app.http.inject({ method: 'GET', url: '/v1/phone-numbers', headers: admin.headers });
    expect(listed.json()).toMatchObject({ items: [{ number: '+33187650001', mode: 'ivr' }] });
    const [entry] = listed.json<{ items: { id: string }[] }>().items;
    await app.http.inject({ method: 'PATCH', url: `/v1/phone-numbers/${entry?.id ?? ''}`, headers: admin.headers, payload: { mode: 'realtime' } });
    expect((await line(admin, 'PUT', id, { phoneNumber: '+33187650002' })).json()).toMatchObject({ phoneNumber: '+33187650002', mode: 'realtime' });
    expect((await line(admin, 'PUT', id, { phoneNumber: '+33187650002' })).json()).toMatchObject({ phoneNumber: '+33187650002' });
    expect((await line(admin, 'PUT', id, { phoneNumber: null })).json()).toMatchObject({ phoneNumber: null });
    expect((await app.http.inject({ method: 'GET', url: '/v1/phone-numbers', headers: admin.headers })).json()).toEqual({ items: [] });
  });

  it('answers another company’s id and a taken number with Lydia’s error bodies', async () => {
    const foreign = await line(admin, 'GET', other.tenant.id);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'company_not_found', error: 'Company not found' });
    await line(other, 'PUT', other.tenant.id, { phoneNumber: '+33187650003' });
    const taken = await line(admin, 'PUT', admin.tenant.id, { phoneNumber: '+33187650003' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'phone_number_taken', error: 'This phone number is already registered on this server' });
    const bad = await line(admin, 'PUT', admin.tenant.id, { phoneNumber: '01 87 65 00 03' });
    expect(bad.json()).toMatchObject({ code: 'validation_failed', error: 'The request is invalid', details: [{ path: 'body.phoneNumber' }] });
    const unauthenticated = await app.http.inject({ method: 'GET', url: `/api/companies/${admin.tenant.id}/phone-number` });
    expect(unauthenticated.json()).toMatchObject({ code: 'unauthenticated', error: expect.any(String) as string });
  });

  it('lets members read the line but not change it', async () => {
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    expect((await line(member, 'GET', admin.tenant.id)).statusCode).toBe(200);
    expect((await line(member, 'PUT', admin.tenant.id, { phoneNumber: '+33187650004' })).statusCode).toBe(403);
  });
});
