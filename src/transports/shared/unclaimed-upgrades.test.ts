import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApplication, type TestApplication } from '../../testing/test-application.ts';
import { refusedUpgrade } from '../../testing/websocket-test-kit.ts';

let app: TestApplication;
let base: string;

beforeAll(async () => {
  app = await startTestApplication();
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  base = `ws://127.0.0.1:${String((app.http.server.address() as AddressInfo).port)}`;
});
afterAll(async () => {
  await app.close();
});

describe('a WebSocket upgrade no endpoint claims', () => {
  it('is answered 404 route_not_found at once (a typo in the path, a trailing slash), not left to time out', async () => {
    for (const path of ['/v1/realtime/ws/', '/ws', '/v1/realtime', '/twilio/media/', '/nothing-here?access_token=x']) {
      expect(await refusedUpgrade(`${base}${path}`)).toEqual({ status: 404, body: { code: 'route_not_found', message: 'Not found' } });
    }
  });

  it('leaves the claimed paths to their endpoints (their own answers, not 404)', async () => {
    expect((await refusedUpgrade(`${base}/v1/realtime/ws`)).status).toBe(401);
    expect((await refusedUpgrade(`${base}/ws/test`)).status).toBe(401);
    expect((await refusedUpgrade(`${base}/ws/session/00000000-0000-4000-8000-000000000000`)).status).toBe(401);
    const socketIo = await fetch(`${base.replace('ws', 'http')}/socket.io/?EIO=4&transport=polling`);
    expect(socketIo.status).not.toBe(404);
  });
});
