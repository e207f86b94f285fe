import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData } from 'ws';
import type { EngineSession } from '../../runtime/ports.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { EventRecorder, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let server: WebSocketServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => {
    if (server === undefined) resolve();
    else server.close(() => {
      resolve();
    });
  });
  server = undefined;
});

/** A minimal upstream that confirms the session, then goes silent and never answers pings (a half-open socket). */
async function startSilentUpstream(): Promise<{ readonly baseUrl: string; readonly connections: () => number }> {
  let connections = 0;
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
  server.on('connection', (socket) => {
    connections += 1;
    socket.send(JSON.stringify({ type: 'session.created', event_id: 'e0', session: {} }));
    socket.on('message', (data: RawData) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : '';
      if (text.includes('"session.update"')) socket.send(JSON.stringify({ type: 'session.updated', event_id: 'e1', session: {} }));
    });
  });
  await new Promise((resolve) => server?.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${String(port)}/v1`, connections: () => connections };
}

describe('a silently dead upstream socket', () => {
  it('is detected by the heartbeat and replaced', async () => {
    const upstream = await startSilentUpstream();
    const engine = createOpenAIRealtimeEngine({ apiKey: 'sk-test', baseUrl: upstream.baseUrl, model: 'gpt-realtime-2', heartbeatMs: 50 });
    session = await engine.open(sessionConfig(), new AbortController().signal);
    const recorder = new EventRecorder(session);

    const reconnecting = await recorder.next('reconnecting', () => true, 1_000);
    expect(reconnecting.reason).toBe('upstream socket closed (code 1006: no heartbeat)');
    await recorder.next('reconnected', () => true, 1_000);
    expect(upstream.connections()).toBe(2);
  });
});
