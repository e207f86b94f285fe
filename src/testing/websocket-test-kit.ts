/** Test support: a real HTTP server with the WebSocket transport on 127.0.0.1 and `ws` client connections. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import type { Authenticate } from '../transports/shared/call-connector.ts';
import { FakeCallConnector } from './fake-call-connector.ts';
import { GOOD_TOKEN, ReceivedLog, silentLogger, testAuthenticate } from './transport-test-support.ts';
import type { TransportLimits } from '../transports/shared/transport-limits.ts';
import { attachWebSocket, DEFAULT_WEBSOCKET_PATH, type WebSocketAttachment } from '../transports/websocket/attach-websocket.ts';

export interface TestClient {
  readonly ws: WebSocket;
  /** JSON messages under their `type`; binary frames under `binary` (payload: Buffer). */
  readonly received: ReceivedLog;
  sendJson(message: unknown): void;
  /** Resolves with the close code once the server closes the connection. */
  readonly closed: Promise<number>;
}

export interface WebSocketHarness {
  readonly url: string;
  readonly httpServer: HttpServer;
  readonly connector: FakeCallConnector;
  readonly attachment: WebSocketAttachment;
  connect(query?: string, options?: { readonly autoPong?: boolean }): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startWebSocketHarness(
  overrides: { readonly limits?: Partial<TransportLimits>; readonly authenticate?: Authenticate; readonly pingIntervalMs?: number } = {},
): Promise<WebSocketHarness> {
  const httpServer = createServer();
  const connector = new FakeCallConnector();
  const attachment = attachWebSocket(httpServer, {
    authenticate: overrides.authenticate ?? testAuthenticate,
    connector,
    logger: silentLogger(),
    ...(overrides.limits === undefined ? {} : { limits: overrides.limits }),
    ...(overrides.pingIntervalMs === undefined ? {} : { pingIntervalMs: overrides.pingIntervalMs }),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: WebSocket[] = [];
  return {
    url,
    httpServer,
    connector,
    attachment,
    async connect(query = `token=${GOOD_TOKEN}`, options = {}) {
      const ws = new WebSocket(`${url}${DEFAULT_WEBSOCKET_PATH}?${query}`, { autoPong: options.autoPong ?? true });
      clients.push(ws);
      const received = new ReceivedLog();
      ws.on('message', (data, isBinary) => {
        const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        if (isBinary) received.push({ name: 'binary', payload: bytes });
        else {
          const message = JSON.parse(bytes.toString('utf8')) as { type: string };
          received.push({ name: message.type, payload: message });
        }
      });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => { resolve(code); }));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      return { ws, received, closed, sendJson: (message: unknown) => { ws.send(JSON.stringify(message)); } };
    },
    async close() {
      for (const ws of clients) ws.terminate();
      await attachment.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => { resolve(); }));
    },
  };
}
