/** Test support: a real HTTP server with the Socket.IO transport on 127.0.0.1 and socket.io-client connections. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import type { Clock } from '../core/clock.ts';
import type { Authenticate } from '../transports/shared/call-connector.ts';
import { FakeCallConnector } from './fake-call-connector.ts';
import { GOOD_TOKEN, ReceivedLog, silentLogger, testAuthenticate } from './transport-test-support.ts';
import type { TransportLimits } from '../transports/shared/transport-limits.ts';
import { attachSocketIo, type SocketIoAttachment } from '../transports/socketio/attach-socket-io.ts';

export interface TestClient {
  readonly socket: ClientSocket;
  readonly received: ReceivedLog;
}

export interface SocketIoHarness {
  readonly url: string;
  readonly connector: FakeCallConnector;
  readonly attachment: SocketIoAttachment;
  /** Connects with the good token (or `auth`) and resolves once connected. */
  connect(auth?: Record<string, unknown>): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startSocketIoHarness(
  overrides: { readonly limits?: Partial<TransportLimits>; readonly authenticate?: Authenticate; readonly clock?: Clock } = {},
): Promise<SocketIoHarness> {
  const httpServer: HttpServer = createServer();
  const connector = new FakeCallConnector();
  const attachment = attachSocketIo(httpServer, {
    authenticate: overrides.authenticate ?? testAuthenticate,
    connector,
    logger: silentLogger(),
    ...(overrides.clock === undefined ? {} : { clock: overrides.clock }),
    ...(overrides.limits === undefined ? {} : { limits: overrides.limits }),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: ClientSocket[] = [];
  return {
    url,
    connector,
    attachment,
    async connect(auth = { token: GOOD_TOKEN }) {
      const socket = connectClient(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
      clients.push(socket);
      const received = new ReceivedLog();
      socket.onAny((name: string, payload: unknown) => {
        received.push({ name, payload });
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return { socket, received };
    },
    async close() {
      for (const socket of clients) socket.disconnect();
      await attachment.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => { resolve(); }));
    },
  };
}
