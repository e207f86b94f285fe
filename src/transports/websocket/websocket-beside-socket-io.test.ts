import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Authenticate } from '../shared/call-connector.ts';
import { GOOD_TOKEN, silentLogger, testAuthenticate } from '../../testing/transport-test-support.ts';
import { startWebSocketHarness } from '../../testing/websocket-test-kit.ts';
import { attachSocketIo } from '../socketio/attach-socket-io.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Slower than engine.io's default 1 s `destroyUpgradeTimeout`, which would otherwise kill the upgrade. */
const slowAuthenticate: Authenticate = (handshake) =>
  new Promise((resolve) => setTimeout(() => { resolve(testAuthenticate(handshake)); }, 1200));

describe('WebSocket and Socket.IO on one HTTP server', () => {
  it('serves both, even when WebSocket authentication is slow', async () => {
    const harness = await startWebSocketHarness({ authenticate: slowAuthenticate });
    const { connector, httpServer } = harness;
    const socketIo = attachSocketIo(httpServer, { authenticate: testAuthenticate, connector, logger: silentLogger() });
    cleanups.push(() => harness.close());
    cleanups.push(() => socketIo.close());

    const sio = connectClient(harness.url.replace(/^ws/, 'http'), { auth: { token: GOOD_TOKEN }, transports: ['websocket'], forceNew: true, reconnection: false });
    cleanups.push(() => {
      sio.disconnect();
      return Promise.resolve();
    });
    const [client] = await Promise.all([harness.connect(), new Promise<void>((resolve) => sio.once('connect', () => { resolve(); }))]);
    client.sendJson({ type: 'start', callId: 'ws-call' });
    sio.emit('start-call', { callId: 'sio-call' });
    await connector.call(1);
    expect(connector.calls.map((c) => c.params.callId).sort()).toEqual(['sio-call', 'ws-call']);
  });
});
