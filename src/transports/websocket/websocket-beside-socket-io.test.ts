import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectClient } from 'socket.io-client';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { Authenticate } from '../shared/call-connector.ts';
import { FakeCallConnector } from '../../testing/fake-call-connector.ts';
import { GOOD_TOKEN, silentLogger, testAuthenticate } from '../../testing/transport-test-support.ts';
import { attachSocketIo } from '../socketio/attach-socket-io.ts';
import { attachWebSocket } from './attach-websocket.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Slower than engine.io's default 1 s `destroyUpgradeTimeout`, which would otherwise kill the upgrade. */
const slowAuthenticate: Authenticate = (handshake) =>
  new Promise((resolve) => setTimeout(() => { resolve(testAuthenticate(handshake)); }, 1200));

describe('WebSocket and Socket.IO on one HTTP server', () => {
  it('serves both, even when WebSocket authentication is slow', async () => {
    const httpServer = createServer();
    const connector = new FakeCallConnector();
    const logger = silentLogger();
    const socketIo = attachSocketIo(httpServer, { authenticate: testAuthenticate, connector, logger });
    const websocket = attachWebSocket(httpServer, { authenticate: slowAuthenticate, connector, logger });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await websocket.close();
      await socketIo.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => { resolve(); }));
    });
    const port = (httpServer.address() as AddressInfo).port;

    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime/ws?token=${GOOD_TOKEN}`);
    const sio = connectClient(`http://127.0.0.1:${port}`, { auth: { token: GOOD_TOKEN }, transports: ['websocket'], forceNew: true, reconnection: false });
    cleanups.push(() => {
      ws.terminate();
      sio.disconnect();
      return Promise.resolve();
    });
    await Promise.all([
      new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      }),
      new Promise<void>((resolve) => sio.once('connect', () => { resolve(); })),
    ]);
    ws.send(JSON.stringify({ type: 'start', callId: 'ws-call' }));
    sio.emit('start-call', { callId: 'sio-call' });
    await connector.call(1);
    expect(connector.calls.map((c) => c.params.callId).sort()).toEqual(['sio-call', 'ws-call']);
  });
});
