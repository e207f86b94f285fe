import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { testIdentity } from '../../testing/transport-test-support.ts';
import { startSocketIoHarness, type SocketIoHarness } from '../../testing/socket-io-test-kit.ts';

let harness: SocketIoHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function refusal(url: string, auth: Record<string, unknown>): Promise<{ message: string; data: unknown }> {
  const socket = connectClient(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('connected without credentials'));
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.disconnect();
      resolve({ message: error.message, data: error.data });
    });
  });
}

describe('Socket.IO handshake', () => {
  it('refuses a connection without credentials before any event is handled', async () => {
    harness = await startSocketIoHarness();
    const refused = await refusal(harness.url, {});
    expect(refused).toEqual({ message: 'Authentication required', data: { code: 'unauthenticated' } });
    expect(harness.connector.calls).toHaveLength(0);
    expect(harness.attachment.io.sockets.sockets.size).toBe(0);
  });

  it('refuses with internal_error when the authenticator throws', async () => {
    harness = await startSocketIoHarness({ authenticate: () => Promise.reject(new Error('identity store down')) });
    const refused = await refusal(harness.url, { token: 'whatever' });
    expect(refused).toEqual({ message: 'Authentication failed', data: { code: 'internal_error' } });
  });

  it('hands the authenticated identity to the connector', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    const call = await harness.connector.call();
    expect(call.params.identity).toEqual(testIdentity);
  });
});
