import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from './core/ids.ts';
import { userPrincipal } from './core/principal.ts';
import { calls } from './store/schema/calls.ts';
import { FakeTransport } from './testing/runtime-fakes/index.ts';
import { createTestUser, startTestApplication, type TestApplication } from './testing/test-application.ts';

let app: TestApplication;
let withoutKey: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
  withoutKey = await startTestApplication();
  for (const target of [app, withoutKey]) admins.set(target, (await createTestUser(target)).headers);
});
const admins = new Map<TestApplication, { authorization: string }>();
const adminOf = (target: TestApplication) => admins.get(target) ?? {};
afterAll(async () => {
  await app.close();
  await withoutKey.close();
});

async function createdCall(target: TestApplication): Promise<{ callId: string; tenantId: string; userId: string }> {
  const res = await target.http.inject({ method: 'POST', url: '/v1/calls', payload: {}, headers: adminOf(target) });
  const call = res.json<{ id: string; userId: string }>();
  const row = await target.database.db.query.calls.findFirst({ where: (c, { eq }) => eq(c.id, call.id) });
  return { callId: call.id, tenantId: row!.tenantId, userId: call.userId };
}

describe('joining a call over a realtime transport', () => {
  it('refuses unknown calls, calls of another tenant, and calls that are over', async () => {
    const { callId, tenantId, userId } = await createdCall(app);
    const identity = userPrincipal({ tenantId, id: userId, role: 'admin' });
    expect(await app.liveCalls.startCall({ callId: newId(), identity, transport: new FakeTransport() })).toMatchObject({ ok: false, code: 'call_not_found' });
    expect(await app.liveCalls.startCall({ callId: 'not-a-uuid', identity, transport: new FakeTransport() })).toMatchObject({ ok: false, code: 'call_not_found' });
    const stranger = userPrincipal({ tenantId: newId(), id: newId(), role: 'admin' });
    expect(await app.liveCalls.startCall({ callId, identity: stranger, transport: new FakeTransport() })).toMatchObject({ ok: false, code: 'call_not_found' });
    const member = userPrincipal({ tenantId, id: newId(), role: 'member' });
    expect(await app.liveCalls.startCall({ callId, identity: member, transport: new FakeTransport() })).toMatchObject({ ok: false, code: 'call_not_found' });
    await app.http.inject({ method: 'POST', url: `/v1/calls/${callId}/end`, headers: adminOf(app) });
    expect(await app.liveCalls.startCall({ callId, identity, transport: new FakeTransport() })).toMatchObject({ ok: false, code: 'call_not_active' });
  });

  it('lets an app transport join only app calls, and a Twilio stream only phone calls', async () => {
    const { callId, tenantId, userId } = await createdCall(app);
    const identity = userPrincipal({ tenantId, id: userId, role: 'admin' });
    expect(await app.liveCalls.startCall({ callId, identity, transport: new FakeTransport(), carrier: 'twilio' })).toMatchObject({ ok: false, code: 'call_not_found' });
    for (const channel of ['twilio', 'twilio-ivr'] as const) {
      const phone = await createdCall(app);
      await app.database.db.update(calls).set({ channel }).where(eq(calls.id, phone.callId));
      // Knowing a phone call's id (and the tenant's key) is not enough to take over its line.
      expect(await app.liveCalls.startCall({ callId: phone.callId, identity, transport: new FakeTransport() })).toMatchObject({ ok: false, code: 'call_not_found' });
      expect(await app.liveCalls.startCall({ callId: phone.callId, identity, transport: new FakeTransport(), carrier: 'app' })).toMatchObject({ ok: false, code: 'call_not_found' });
      const row = await app.database.db.query.calls.findFirst({ where: (c, { eq: equals }) => equals(c.id, phone.callId) });
      expect(row?.status).toBe('created');
    }
    expect(app.liveCalls.size).toBe(0);
  });

  it('says which key is missing when the agent’s engine is not configured, and starts nothing', async () => {
    const { callId, tenantId, userId } = await createdCall(withoutKey);
    const result = await withoutKey.liveCalls.startCall({ callId, identity: userPrincipal({ tenantId, id: userId, role: 'admin' }), transport: new FakeTransport() });
    expect(result).toMatchObject({ ok: false, code: 'engine_not_configured' });
    expect(result.ok ? '' : result.message).toContain('OPENAI_API_KEY');
    expect(withoutKey.liveCalls.size).toBe(0);
    // The call failed: it no longer waits for a caller nor holds a concurrent slot.
    const call = (await withoutKey.http.inject({ url: `/v1/calls/${callId}`, headers: adminOf(withoutKey) })).json<{ status: string; endReason: string }>();
    expect(call).toMatchObject({ status: 'failed', endReason: 'engine_not_configured' });
  });

  it('fails the call cleanly when the upstream cannot be reached, keeping the record', async () => {
    const { callId, tenantId, userId } = await createdCall(app);
    const transport = new FakeTransport();
    expect(await app.liveCalls.startCall({ callId, identity: userPrincipal({ tenantId, id: userId, role: 'admin' }), transport })).toEqual({ ok: true });
    for (let i = 0; i < 100 && app.liveCalls.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const call = (await app.http.inject({ url: `/v1/calls/${callId}`, headers: adminOf(app) })).json<{ status: string; endReason: string }>();
    expect(call).toMatchObject({ status: 'failed', endReason: 'engine_unavailable' });
  });
});
