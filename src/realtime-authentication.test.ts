import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { getCall } from './store/queries/calls.ts';
import { ManualClock } from './testing/runtime-fakes/index.ts';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from './testing/test-application.ts';

/**
 * Realtime connections authenticate with the same credentials as HTTP, at the handshake: without a
 * valid one there is no connection at all, so no audio can flow and no call starts.
 */
const clock = new ManualClock(Date.now());
let app: TestApplication;
let baseUrl: string;
let owner: TestUser;
let callId: string;

beforeAll(async () => {
  app = await startTestApplication({ clock });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  owner = await createTestUser(app, { role: 'member' });
  const created = await app.http.inject({ method: 'POST', url: '/v1/calls', headers: owner.headers, payload: {} });
  callId = created.json<{ id: string }>().id;
});
afterAll(async () => {
  await app.close();
});

type Outcome = { connected: true } | { connected: false; code: unknown; message?: string };

/** Connects with Socket.IO and tries to start the call and send audio at once; reports whether the handshake was accepted. */
function socketIo(options: { auth?: Record<string, string>; extraHeaders?: Record<string, string> }): Promise<Outcome> {
  const socket = io(baseUrl, { transports: ['websocket'], reconnection: false, ...options });
  socket.emit('start-call', { callId });
  socket.emit('audio-data', Buffer.alloc(960));
  return new Promise((resolve) => {
    socket.on('connect', () => {
      socket.disconnect();
      resolve({ connected: true });
    });
    socket.on('connect_error', (error: Error & { data?: { code?: unknown } }) => {
      socket.disconnect();
      resolve({ connected: false, code: error.data?.code, message: error.message });
    });
  });
}

/** Opens the plain WebSocket endpoint; reports the HTTP status of a refused upgrade. */
function webSocket(options: { query?: string; headers?: Record<string, string> }): Promise<Outcome> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/realtime/ws${options.query ?? ''}`, { headers: options.headers ?? {} });
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.close();
      resolve({ connected: true });
    });
    ws.on('unexpected-response', (_request, response) => {
      if (response.statusCode !== 403) {
        resolve({ connected: false, code: response.statusCode });
        ws.terminate();
        return;
      }
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        resolve({ connected: false, code: 403, message: (JSON.parse(body) as { message: string }).message });
        ws.terminate();
      });
    });
    ws.on('error', () => undefined);
  });
}

async function expectNothingStarted(): Promise<void> {
  expect(app.liveCalls.size).toBe(0);
  expect(await getCall(app.database.db, { tenantId: owner.tenant.id, callId })).toMatchObject({ status: 'created', startedAt: null });
}

describe('Socket.IO handshake', () => {
  it('is refused without a credential, with a bad one, and with an expired token', async () => {
    const expiring = await createTestUser(app, { role: 'member', tenant: owner.tenant });
    clock.advance(16 * 60_000);
    for (const options of [{}, { auth: { token: 'garbage' } }, { auth: { token: owner.refreshToken } }, { auth: { token: expiring.accessToken } }]) {
      expect(await socketIo(options), JSON.stringify(options)).toEqual({ connected: false, code: 'unauthenticated', message: 'Authentication required' });
    }
    await expectNothingStarted();
  });

  it('refuses a valid key without the calls scope as forbidden, naming the scope', async () => {
    const reader = await createTestApiKey(app, { tenantId: owner.tenant.id, scopes: ['read'] });
    expect(await socketIo({ auth: { token: reader.key } })).toEqual({ connected: false, code: 'forbidden', message: 'This API key lacks the "calls" scope, which realtime calls need' });
    await expectNothingStarted();
  });

  it('accepts an access token in auth.token or the Authorization header, and an API key with the calls scope', async () => {
    const fresh = await createTestUser(app, { role: 'member', tenant: owner.tenant });
    const caller = await createTestApiKey(app, { tenantId: owner.tenant.id, scopes: ['calls'] });
    expect(await socketIo({ auth: { token: fresh.accessToken } })).toEqual({ connected: true });
    expect(await socketIo({ extraHeaders: { authorization: `Bearer ${fresh.accessToken}` } })).toEqual({ connected: true });
    expect(await socketIo({ extraHeaders: { 'x-api-key': caller.key } })).toEqual({ connected: true });
  });
});

describe('WebSocket upgrade', () => {
  it('is refused with 401 without a credential, with a bad one, or with a revoked key', async () => {
    const revoked = await createTestApiKey(app, { tenantId: owner.tenant.id, scopes: ['calls'] });
    await app.identity.apiKeys.revoke(owner.tenant.id, revoked.id);
    for (const options of [{}, { query: '?access_token=garbage' }, { headers: { authorization: 'Bearer garbage' } }, { headers: revoked.headers }]) {
      expect(await webSocket(options), JSON.stringify(options)).toEqual({ connected: false, code: 401 });
    }
    await expectNothingStarted();
  });

  it('is refused with 403 and a message naming the scope for a valid key without the calls scope', async () => {
    const reader = await createTestApiKey(app, { tenantId: owner.tenant.id, scopes: ['read'] });
    expect(await webSocket({ headers: reader.headers })).toEqual({ connected: false, code: 403, message: 'This API key lacks the "calls" scope, which realtime calls need' });
    await expectNothingStarted();
  });

  it('accepts the Authorization header, ?access_token= (browsers) and x-api-key', async () => {
    const fresh = await createTestUser(app, { role: 'member', tenant: owner.tenant });
    const caller = await createTestApiKey(app, { tenantId: owner.tenant.id, scopes: ['calls'] });
    expect(await webSocket({ headers: fresh.headers })).toEqual({ connected: true });
    expect(await webSocket({ query: `?access_token=${encodeURIComponent(fresh.accessToken)}` })).toEqual({ connected: true });
    expect(await webSocket({ headers: caller.headers })).toEqual({ connected: true });
  });
});
