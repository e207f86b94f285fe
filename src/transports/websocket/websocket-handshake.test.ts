import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_TOKEN, testIdentity } from '../../testing/transport-test-support.ts';
import { refusedUpgrade, startWebSocketHarness, type WebSocketHarness } from '../../testing/websocket-test-kit.ts';

let harness: WebSocketHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('WebSocket handshake', () => {
  it('refuses an upgrade without credentials with 401 before any WebSocket exists', async () => {
    harness = await startWebSocketHarness();
    const refused = await refusedUpgrade(`${harness.url}/v1/realtime/ws`);
    expect(refused).toEqual({ status: 401, body: { code: 'unauthenticated', message: 'Authentication required' } });
    expect(harness.attachment.wss.clients.size).toBe(0);
    expect(harness.connector.calls).toHaveLength(0);
  });

  it('refuses with 500 when the authenticator throws', async () => {
    harness = await startWebSocketHarness({ authenticate: () => Promise.reject(new Error('identity store down')) });
    const refused = await refusedUpgrade(`${harness.url}/v1/realtime/ws?token=x`);
    expect(refused).toEqual({ status: 500, body: { code: 'internal_error', message: 'Authentication failed' } });
  });

  it('answers 404 for other paths when no other upgrade handler exists', async () => {
    harness = await startWebSocketHarness();
    const refused = await refusedUpgrade(`${harness.url}/elsewhere?token=${GOOD_TOKEN}`);
    expect(refused.status).toBe(404);
  });

  it('accepts a bearer token header as well as ?token= and hands the identity to the connector', async () => {
    harness = await startWebSocketHarness();
    const client = await harness.connect('', { headers: { authorization: `Bearer ${GOOD_TOKEN}` } });
    client.sendJson({ type: 'start', callId: 'call-1' });
    const call = await harness.connector.call();
    expect(call.params.identity).toEqual(testIdentity);
  });

  it('leaves plain HTTP requests alone', async () => {
    harness = await startWebSocketHarness();
    harness.httpServer.on('request', (_req, res) => res.end('ok'));
    const port = new URL(harness.url).port;
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port, path: '/v1/realtime/ws' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end();
    });
    expect(status).toBe(200);
  });
});
