/**
 * Attaches the plain WebSocket realtime protocol to an HTTP server at one path. The `upgrade` is
 * handled here (ws in `noServer` mode): the connection is authenticated first and refused with an
 * HTTP 401 before any WebSocket exists. Each connection runs at most one call at a time; dead peers
 * are found by ping/pong and terminated. Every frame handler is guarded: an exception is logged and
 * reported to that client as `internal_error`, never thrown.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
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
import { handshakeRefusal } from '../shared/upgrade-refusal.ts';
import { attachWebSocketEndpoint, type AttachedWebSocketEndpoint, type UpgradeAdmission } from '../shared/websocket-endpoint.ts';
import { terminateAfter } from '../shared/websocket-peers.ts';
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

export type WebSocketAttachment = AttachedWebSocketEndpoint;

/** How long `close()` waits for clients to acknowledge the close before terminating them. */
const CLOSE_WAIT_MS = 1000;

interface Context {
  readonly options: WebSocketTransportOptions;
  readonly limits: TransportLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly isClosing: () => boolean;
}

export function attachWebSocket(httpServer: HttpServer, options: WebSocketTransportOptions): WebSocketAttachment {
  const limits = resolveLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ transport: 'websocket' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });
  const path = options.path ?? DEFAULT_WEBSOCKET_PATH;
  const context: Context = { options, limits, clock, logger, isClosing: () => endpoint.isClosing() };
  const endpoint = attachWebSocketEndpoint(httpServer, {
    wss,
    logger,
    clock,
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    onUnresponsive: () => {
      logger.info('terminating an unresponsive connection');
    },
    route: (url) => (url.pathname === path ? url : null),
    admit: (request, url) => admit(context, request, url),
    serve: (ws, identity) => serveWebSocket(ws, identity, context),
    shutdown: async (peers) => {
      const sockets = peers.sockets();
      for (const connection of peers.values()) connection.disconnected('server_shutdown');
      peers.goAway();
      await terminateAfter(sockets, clock, CLOSE_WAIT_MS);
    },
  });
  return { wss, claims: (url) => endpoint.claims(url), close: () => endpoint.close() };
}

/** Authenticates an upgrade to our path; a refusal is logged and answered as HTTP (401, 403, 500). */
async function admit(context: Context, request: IncomingMessage, url: URL): Promise<UpgradeAdmission<CallerIdentity>> {
  const { options, limits, clock, logger } = context;
  const handshake: HandshakeInfo = { headers: request.headers, auth: {}, query: queryOf(url) };
  const outcome = await authenticateHandshake({ authenticate: options.authenticate, handshake, timeoutMs: limits.authTimeoutMs, clock, logger });
  if (outcome.ok) return { ok: true, value: outcome.identity };
  logger.info({ code: outcome.code }, 'connection refused');
  return { ok: false, refusal: handshakeRefusal(outcome) };
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

function toBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/** Wires one accepted connection's frames to its `CallerConnection`. */
function serveWebSocket(ws: WebSocket, identity: CallerIdentity, context: Context): CallerConnection {
  const { options, limits, clock } = context;
  const logger = context.logger.child({ connectionId: newId() });
  const connection = new CallerConnection({ identity, connector: options.connector, wire: websocketConnectionWire(ws, logger), limits, clock, logger });
  const messages = new TokenBucket({ ratePerSecond: limits.maxMessagesPerSecond, capacity: 2 * limits.maxMessagesPerSecond, clock });

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
  ws.on('error', (error) => {
    logger.debug({ err: error }, 'websocket error');
  });
  ws.on('close', (code) => {
    logger.debug({ code }, 'websocket closed');
    connection.disconnected(context.isClosing() ? 'server_shutdown' : 'caller_disconnected');
  });
  return connection;
}
