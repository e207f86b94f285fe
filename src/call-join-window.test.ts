import { afterEach, describe, expect, it } from 'vitest';
import { userPrincipal } from './core/principal.ts';
import { FakeTransport, ManualClock } from './testing/runtime-fakes/index.ts';
import { createTestUser, startTestApplication, type TestApplication } from './testing/test-application.ts';

let app: TestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the join window of a created call', () => {
  it('after CALL_JOIN_WINDOW_SECONDS an unjoined call frees its slot, is marked expired when looked at, and cannot be joined', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T12:00:00Z'));
    app = await startTestApplication({ clock, env: { MAX_CONCURRENT_CALLS_PER_TENANT: '2', CALL_JOIN_WINDOW_SECONDS: '120' } });
    const admin = await createTestUser(app, { role: 'admin' });
    const create = () => app!.http.inject({ method: 'POST', url: '/v1/calls', headers: admin.headers, payload: {} });
    const first = (await create()).json<{ id: string; userId: string; tenantId: string }>();
    const second = (await create()).json<{ id: string }>();
    const refused = await create();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'concurrent_calls_exceeded' });
    expect(refused.headers['retry-after']).toBe('30');

    clock.advance(119_000);
    expect((await create()).statusCode).toBe(429);
    clock.advance(2_000);
    expect((await create()).statusCode).toBe(201);

    // The creation swept them; any look shows it.
    const seen = (await app.http.inject({ url: `/v1/calls/${first.id}`, headers: admin.headers })).json<{ status: string; endReason: string }>();
    expect(seen).toMatchObject({ status: 'expired', endReason: 'not_joined' });
    const identity = userPrincipal({ tenantId: admin.tenant.id, id: admin.user.id, role: 'admin' });
    const join = await app.liveCalls.startCall({ callId: second.id, identity, transport: new FakeTransport() });
    expect(join).toMatchObject({ ok: false, code: 'call_not_active' });
  }, 60_000);

  it('a call looked at after its window shows expired even before any sweep, and ending it then changes nothing', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T12:00:00Z'));
    app = await startTestApplication({ clock });
    const admin = await createTestUser(app, { role: 'admin' });
    const call = (await app.http.inject({ method: 'POST', url: '/api/calls/start', headers: admin.headers, payload: { userId: 'learner' } })).json<{ callId: string }>();
    clock.advance(121_000);
    const history = (await app.http.inject({ url: '/api/calls/history/learner', headers: admin.headers })).json<{ callId: string; status: string; endReason: string }[]>();
    expect(history).toEqual([expect.objectContaining({ callId: call.callId, status: 'expired', endReason: 'not_joined' })]);
    const ended = await app.http.inject({ method: 'POST', url: `/api/calls/end/${call.callId}`, headers: admin.headers });
    expect(ended.json()).toMatchObject({ status: 'expired' });
  }, 60_000);
});

describe('the per-member cap', () => {
  it('keeps one member from taking the tenant’s slots; admins are bounded by the tenant’s cap only', async () => {
    app = await startTestApplication({ env: { MAX_CONCURRENT_CALLS_PER_TENANT: '10', MAX_CONCURRENT_CALLS_PER_MEMBER: '2' } });
    const admin = await createTestUser(app, { role: 'admin' });
    const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    const create = (headers: Record<string, string>) => app!.http.inject({ method: 'POST', url: '/v1/calls', headers, payload: {} });
    expect((await create(member.headers)).statusCode).toBe(201);
    expect((await create(member.headers)).statusCode).toBe(201);
    const refused = await create(member.headers);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'concurrent_calls_exceeded', message: 'You already have 2 calls in progress, the most allowed for a member (2); end one and retry' });
    expect(refused.headers['retry-after']).toBe('30');
    for (let i = 0; i < 3; i += 1) expect((await create(admin.headers)).statusCode).toBe(201);
    const other = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    expect((await create(other.headers)).statusCode).toBe(201);
  }, 60_000);
});
