/**
 * Attaches the plain WebSocket realtime protocol to an HTTP server at one path. The `upgrade` is
 * handled here (ws in `noServer` mode): the connection is authenticated first and refused with an
 * HTTP 401 before any WebSocket exists. Each connection runs at most one call at a time; dead peers
 * are found by ping/pong and terminated. Every frame handler is guarded: an exception is logged and
 * reported to that client as `internal_error`, never thrown.
 */
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { systemClock, type Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { checkPcm16Frame } from '../shared/audio-frame.ts';
import { authenticateHandshake } from '../shared/authenticate-handshake.ts';
import type { Authenticate, CallConnector, CallerIdentity, HandshakeInfo } from '../shared/call-connector.ts';
import { CallerConnection } from '../shared/caller-connection.ts';
import { TokenBucket } from '../shared/token-bucket.ts';
import { resolveLimits, type TransportLimits } from '../shared/transport-limits.ts';
import { parseControlMessage } from './websocket-messages.ts';
import { websocketCallWire, websocketConnectionWire } from './websocket-wire.ts';

export const DEFAULT_WEBSOCKET_PATH = '/v1/realtime/ws';

export interface WebSocketTransportOptions {
  readonly authenticate: Authenticate;
  readonly connector: CallConnector;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly limits?: Partial<TransportLimits>;
  /** URL path of the endpoint; default {@link DEFAULT_WEBSOCKET_PATH}. Other paths are left to other upgrade handlers. */
  readonly path?: string;
  /** Interval between keepalive pings; a peer that missed the previous pong is terminated. Default 25 s. */
  readonly pingIntervalMs?: number;
}

export interface WebSocketAttachment {
  readonly wss: WebSocketServer;
  /** Hangs up every call (`server_shutdown`), closes every connection (1001) and stops listening for upgrades. Idempotent. */
  close(): Promise<void>;
}

/** How long `close()` waits for clients to acknowledge the close before terminating them. */
const CLOSE_WAIT_MS = 1000;

interface Peer {
  readonly connection: CallerConnection;
  alive: boolean;
}

interface Context {
  readonly options: WebSocketTransportOptions;
  readonly limits: TransportLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly httpServer: HttpServer;
  readonly wss: WebSocketServer;
  readonly path: string;
  readonly peers: Map<WebSocket, Peer>;
  readonly isClosing: () => boolean;
}

export function attachWebSocket(httpServer: HttpServer, options: WebSocketTransportOptions): WebSocketAttachment {
  const limits = resolveLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });
  const peers = new Map<WebSocket, Peer>();
  let closing = false;
  const context: Context = {
    options,
    limits,
    clock,
    logger: options.logger.child({ transport: 'websocket' }),
    httpServer,
    wss,
    path: options.path ?? DEFAULT_WEBSOCKET_PATH,
    peers,
    isClosing: () => closing,
  };
  const onUpgrade = upgradeHandler(context);
  httpServer.on('upgrade', onUpgrade);
  const stopKeepalive = startKeepalive(context, options.pingIntervalMs ?? 25_000);

  let closed: Promise<void> | undefined;
  return {
    wss,
    close() {
      closed ??= (async () => {
        closing = true;
        stopKeepalive();
        httpServer.off('upgrade', onUpgrade);
        await closePeers(peers, clock);
        await new Promise<void>((resolve) => {
          wss.close(() => {
            resolve();
          });
        });
      })();
      return closed;
    },
  };
}

/** Authenticates upgrades to our path and hands accepted ones to {@link serveWebSocket}; refuses the rest with HTTP errors. */
function upgradeHandler(context: Context): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { options, limits, clock, logger } = context;
  return (request, socket, head) => {
    const url = URL.canParse(request.url ?? '', 'http://localhost') ? new URL(request.url ?? '', 'http://localhost') : null;
    if (url?.pathname !== context.path) {
      // Another handler (Socket.IO) may own this path; answer only when nobody else listens.
      if (context.httpServer.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, { code: 'route_not_found', message: 'Not found' });
      return;
    }
    socket.on('error', (error) => {
      logger.debug({ err: error }, 'socket error during upgrade');
    });
    if (context.isClosing()) {
      refuseUpgrade(socket, 503, { code: 'internal_error', message: 'Server is shutting down' });
      return;
    }
    const handshake: HandshakeInfo = { headers: request.headers, auth: {}, query: queryOf(url) };
    authenticateHandshake({ authenticate: options.authenticate, handshake, timeoutMs: limits.authTimeoutMs, clock, logger })
      .then((outcome) => {
        if (!outcome.ok) {
          logger.info({ code: outcome.code }, 'connection refused');
          refuseUpgrade(socket, outcome.code === 'unauthenticated' ? 401 : outcome.code === 'forbidden' ? 403 : 500, outcome);
          return;
        }
        if (context.isClosing() || socket.destroyed) {
          socket.destroy();
          return;
        }
        context.wss.handleUpgrade(request, socket, head, (ws) => {
          serveWebSocket(ws, outcome.identity, context);
        });
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'accepting a connection failed');
        socket.destroy();
      });
  };
}

/** Pings every peer each interval; a peer that has not answered the previous ping is terminated. Returns a stop function. */
function startKeepalive(context: Context, intervalMs: number): () => void {
  let cancel = context.clock.setTimer(intervalMs, function sweep() {
    for (const [ws, peer] of context.peers) {
      if (!peer.alive) {
        context.logger.info('terminating an unresponsive connection');
        ws.terminate();
        continue;
      }
      peer.alive = false;
      ws.ping();
    }
    cancel = context.clock.setTimer(intervalMs, sweep);
  });
  return () => {
    cancel();
  };
}

async function closePeers(peers: Map<WebSocket, Peer>, clock: Clock): Promise<void> {
  const sockets = [...peers.keys()];
  for (const [ws, peer] of peers) {
    peer.connection.disconnected('server_shutdown');
    ws.close(1001, 'server shutting down');
  }
  const allClosed = Promise.all(sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => { resolve(); }))));
  let cancel: () => void = () => undefined;
  const waited = new Promise<void>((resolve) => (cancel = clock.setTimer(CLOSE_WAIT_MS, resolve)));
  await Promise.race([allClosed, waited]);
  cancel();
  for (const ws of sockets) ws.terminate();
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function refuseUpgrade(socket: Duplex, status: number, body: { readonly code: string; readonly message: string }): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const json = JSON.stringify({ code: body.code, message: body.message });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    ...(status === 401 ? ['WWW-Authenticate: Bearer'] : []),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${headers.join('\r\n')}\r\n\r\n${json}`);
}

function toBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/** Wires one accepted connection's frames to its `CallerConnection`. */
function serveWebSocket(ws: WebSocket, identity: CallerIdentity, context: Context): void {
  const { options, limits, clock } = context;
  const logger = context.logger.child({ connectionId: newId() });
  const connection = new CallerConnection({ identity, connector: options.connector, wire: websocketConnectionWire(ws, logger), limits, clock, logger });
  const messages = new TokenBucket({ ratePerSecond: limits.maxMessagesPerSecond, capacity: 2 * limits.maxMessagesPerSecond, clock });
  const peer: Peer = { connection, alive: true };
  context.peers.set(ws, peer);

  const handleFrame = (data: RawData, isBinary: boolean): void => {
    if (!messages.take()) {
      connection.reportError({ code: 'rate_limited', message: `More than ${limits.maxMessagesPerSecond} messages/s; message dropped`, recoverable: true });
      return;
    }
    const bytes = toBytes(data);
    if (isBinary) {
      const frame = checkPcm16Frame(bytes, limits.maxFrameBytes);
      if (frame.ok) connection.audio(frame.value);
      else connection.reportError(frame.error);
      return;
    }
    const parsed = parseControlMessage(bytes);
    if (!parsed.ok) {
      connection.reportError(parsed.error);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'start':
        connection.start(message.request, () => websocketCallWire(ws, logger));
        return;
      case 'playback':
        connection.playback(message.report);
        return;
      case 'end':
        connection.end(message.request);
        return;
    }
  };

  ws.on('message', (data, isBinary) => {
    try {
      handleFrame(data, isBinary);
    } catch (error) {
      logger.error({ err: error }, 'websocket frame handler failed');
      connection.reportError({ code: 'internal_error', message: 'The server failed to handle a message', recoverable: true });
    }
  });
  ws.on('pong', () => {
    peer.alive = true;
  });
  ws.on('error', (error) => {
    logger.debug({ err: error }, 'websocket error');
  });
  ws.on('close', (code) => {
    logger.debug({ code }, 'websocket closed');
    connection.disconnected(context.isClosing() ? 'server_shutdown' : 'caller_disconnected');
    context.peers.delete(ws);
  });
}
