/**
 * Test support: a real HTTP server with the WebSocket transport on 127.0.0.1 and `ws` client connections;
 * also the client side any hand-written WebSocket endpoint's tests need (open a client, read a refused upgrade).
 */
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
  connect(query?: string, options?: { readonly autoPong?: boolean; readonly headers?: Readonly<Record<string, string>> }): Promise<TestClient>;
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
      const received = new ReceivedLog();
      const { ws, closed } = await openWebSocket(`${url}${DEFAULT_WEBSOCKET_PATH}?${query}`, {
        ...options,
        onCreated: (created) => clients.push(created),
        onFrame: (bytes, isBinary) => {
          if (isBinary) received.push({ name: 'binary', payload: bytes });
          else {
            const message = JSON.parse(bytes.toString('utf8')) as { type: string };
            received.push({ name: message.type, payload: message });
          }
        },
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

export interface OpenWebSocketOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Answer the server's pings (default true); false plays a dead peer. */
  readonly autoPong?: boolean;
  /** Called with the client as soon as it exists, before it opens (to terminate it at clean-up). */
  readonly onCreated?: (ws: WebSocket) => void;
  /** Every frame from the first (messages the server sends on accept included), as one Buffer. */
  readonly onFrame?: (data: Buffer, isBinary: boolean) => void;
}

/** Opens a `ws` client to `url`; resolves once it is open, rejects when the upgrade fails. */
export async function openWebSocket(url: string, options: OpenWebSocketOptions = {}): Promise<{ readonly ws: WebSocket; readonly closed: Promise<number> }> {
  const ws = new WebSocket(url, { headers: { ...options.headers }, autoPong: options.autoPong ?? true });
  options.onCreated?.(ws);
  const { onFrame } = options;
  if (onFrame !== undefined) {
    ws.on('message', (data, isBinary) => {
      onFrame(Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]), isBinary);
    });
  }
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => { resolve(code); }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, closed };
}

/** Opens a WebSocket that the server must refuse; resolves with the HTTP status of the refusal and its JSON body. */
export function refusedUpgrade(url: string, headers: Readonly<Record<string, string>> = {}): Promise<{ status: number; body: unknown }> {
  const ws = new WebSocket(url, { headers: { ...headers } });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('upgrade accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    ws.once('error', () => undefined);
  });
}
