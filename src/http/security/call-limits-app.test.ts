/** The call limits as the whole application wires them: HTTP routes, the calls table, and realtime start-call. */
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';

let app: TestApplication | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await app?.close();
  app = undefined;
});

describe('call limits in the application', () => {
  it('refuses a call over the concurrent cap, counted from the calls table, and accepts one again once a call ends', async () => {
    app = await startTestApplication({ env: { MAX_CONCURRENT_CALLS_PER_TENANT: '2' } });
    const { headers } = await createTestUser(app, { role: 'admin' });
    const create = () => app!.http.inject({ method: 'POST', url: '/v1/calls', headers, payload: {} });
    const first = (await create()).json<{ id: string }>();
    expect((await app.http.inject({ method: 'POST', url: '/api/calls/start', headers, payload: { userId: 'learner' } })).statusCode).toBe(200);
    const refused = await create();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'concurrent_calls_exceeded' });
    const other = await createTestUser(app, { role: 'admin' });
    expect((await app.http.inject({ method: 'POST', url: '/v1/calls', headers: other.headers, payload: {} })).statusCode).toBe(201);

    await app.http.inject({ method: 'POST', url: `/v1/calls/${first.id}/end`, headers, payload: {} });
    expect((await create()).statusCode).toBe(201);
  });

  it('limits call creation per tenant on both creation routes, with Retry-After', async () => {
    app = await startTestApplication({ env: { RATE_LIMIT_CALLS_PER_TENANT: '2' } });
    const { headers } = await createTestUser(app, { role: 'admin' });
    expect((await app.http.inject({ method: 'POST', url: '/v1/calls', headers, payload: {} })).statusCode).toBe(201);
    expect((await app.http.inject({ method: 'POST', url: '/api/calls/start', headers, payload: { userId: 'learner' } })).statusCode).toBe(200);
    const refused = await app.http.inject({ method: 'POST', url: '/api/calls/start', headers, payload: { userId: 'learner' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^Too many calls created for this tenant; retry in \d+ s$/) as string });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits realtime start-calls per tenant: over the limit the caller gets a rate_limited error event', async () => {
    app = await startTestApplication({ env: { RATE_LIMIT_CALLS_PER_TENANT: '1' } });
    await app.http.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${String((app.http.server.address() as AddressInfo).port)}`;
    const { accessToken } = await createTestUser(app, { role: 'admin' });
    const socket = io(baseUrl, { transports: ['websocket'], auth: { token: accessToken } });
    sockets.push(socket);
    const nextError = () => new Promise<{ code: string; message: string }>((resolve) => socket.once('error', resolve));
    // The first start names an unknown call and is refused by the registry; it still counts.
    const errors = [];
    let waiting = nextError();
    socket.emit('start-call', { callId: '00000000-0000-4000-8000-000000000001' });
    errors.push(await waiting);
    waiting = nextError();
    socket.emit('start-call', { callId: '00000000-0000-4000-8000-000000000002' });
    errors.push(await waiting);
    expect(errors.map((e) => e.code)).toEqual(['call_not_found', 'rate_limited']);
    expect(errors[1]?.message).toMatch(/^Too many calls started for this tenant; retry in \d+ s$/);
  });
});
