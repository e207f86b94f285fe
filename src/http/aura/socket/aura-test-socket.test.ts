import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../../testing/test-application.ts';
import { openWebSocket, refusedUpgrade } from '../../../testing/websocket-test-kit.ts';
import { MAX_TEST_FRAME_BYTES } from './attach-aura-test-socket.ts';

let app: TestApplication;
let base: string;
let member: TestUser;
beforeAll(async () => {
  app = await startTestApplication();
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  base = `ws://127.0.0.1:${String((app.http.server.address() as AddressInfo).port)}`;
  member = await createTestUser(app, { role: 'member' });
});
afterAll(async () => {
  await app.close();
});

interface Message {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

async function connect(url: string, headers: Record<string, string> = {}) {
  const queue: Message[] = [];
  const waiting: ((m: Message) => void)[] = [];
  const { ws, closed } = await openWebSocket(url, {
    headers,
    onFrame: (data) => {
      const message = JSON.parse(data.toString('utf8')) as Message;
      const next = waiting.shift();
      if (next) next(message);
      else queue.push(message);
    },
  });
  return {
    ws,
    closed,
    next: () => {
      const seen = queue.shift();
      return seen ? Promise.resolve(seen) : new Promise<Message>((resolve) => waiting.push(resolve));
    },
  };
}

describe('WS /ws/test', () => {
  it('refuses the upgrade without credentials (401), with a bad token (401), for an API key (403)', async () => {
    expect(await refusedUpgrade(`${base}/ws/test`)).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect((await refusedUpgrade(`${base}/ws/test?access_token=not-a-token`)).status).toBe(401);
    const key = await createTestApiKey(app, { tenantId: member.tenant.id, scopes: ['calls', 'read'] });
    expect(await refusedUpgrade(`${base}/ws/test`, key.headers)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
  });

  it('echoes each JSON object, answers anything else with an error and stays open', async () => {
    const client = await connect(`${base}/ws/test?access_token=${member.accessToken}`);
    client.ws.send(JSON.stringify({ type: 'hello', n: 1, nested: { a: [1, 2] } }));
    const echo = await client.next();
    expect(echo).toMatchObject({ type: 'echo', data: { type: 'hello', n: 1, nested: { a: [1, 2] } } });
    expect(Number.isNaN(Date.parse(echo.timestamp))).toBe(false);

    client.ws.send('not json');
    expect(await client.next()).toMatchObject({ type: 'error', data: { code: 'invalid_json', recoverable: true } });
    client.ws.send('[1,2]');
    expect(await client.next()).toMatchObject({ type: 'error', data: { code: 'validation_failed' } });
    client.ws.send('"text"');
    expect(await client.next()).toMatchObject({ type: 'error', data: { code: 'validation_failed' } });
    client.ws.send(Buffer.from([1, 2, 3]));
    expect(await client.next()).toMatchObject({ type: 'error', data: { code: 'unsupported_message' } });

    client.ws.send(JSON.stringify({ still: 'open' }));
    expect(await client.next()).toMatchObject({ type: 'echo', data: { still: 'open' } });
    client.ws.close(1000);
    expect(await client.closed).toBe(1000);
  });

  it('takes the credential as a header too, and closes on a frame over the limit (1009)', async () => {
    const client = await connect(`${base}/ws/test`, member.headers);
    client.ws.send(JSON.stringify({ big: 'x'.repeat(MAX_TEST_FRAME_BYTES) }));
    expect(await client.closed).toBe(1009);
  });
});

describe('GET /api/v1/test', () => {
  it('runs the checks for a signed-in user, and refuses without a token', async () => {
    expect((await app.http.inject({ url: '/api/v1/test' })).statusCode).toBe(401);
    const res = await app.http.inject({ url: '/api/v1/test', headers: member.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ checks: { analyser: { measured_f0_hz: number; expected_f0_hz: number } } }>();
    expect(body).toMatchObject({
      status: 'ok',
      checks: {
        database: { ok: true },
        analyser: { ok: true, expected_f0_hz: 150 },
        coaching_model: { configured: false, feedback: 'rules' },
        audio_decoder: { ok: true, library: 'audio-decode', format: 'wav' },
      },
    });
    expect(Math.abs(body.checks.analyser.measured_f0_hz - 150)).toBeLessThan(3);
  });
});
