/**
 * Attaches the Socket.IO realtime protocol (namespace `/`) to an HTTP server. Connections are
 * authenticated in Socket.IO middleware, before any event is handled; each socket then runs at most
 * one call at a time through a `CallerConnection`. Every handler is guarded: an exception in one
 * socket's handler is logged and reported to that socket as `internal_error`, never thrown.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { authenticateHandshake } from '../shared/authenticate-handshake.ts';
import type { Authenticate, CallConnector, CallerIdentity } from '../shared/call-connector.ts';
import { CallerConnection } from '../shared/caller-connection.ts';
import { TokenBucket } from '../shared/token-bucket.ts';
import { resolveLimits, type TransportLimits } from '../shared/transport-limits.ts';
import { parseAudioData, parseEndCall, parsePlaybackPosition, parseStartCall, type ClientToServerEvents, type ServerToClientEvents } from './socket-io-messages.ts';
import { socketIoCallWire, socketIoConnectionWire, type CallSocket, type SocketIoSocketData } from './socket-io-wire.ts';

export interface SocketIoTransportOptions {
  readonly authenticate: Authenticate;
  readonly connector: CallConnector;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly limits?: Partial<TransportLimits>;
  /**
   * Passed to the Socket.IO server (path, CORS, ping settings). `maxHttpBufferSize` comes from
   * `limits.maxMessageBytes`; `destroyUpgradeTimeout` leaves other upgrade handlers (the plain
   * WebSocket transport) time to authenticate.
   */
  readonly serverOptions?: Partial<ServerOptions>;
}

export type CallServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketIoSocketData>;

export interface SocketIoAttachment {
  readonly io: CallServer;
  /** Whether an upgrade to `url` is Socket.IO's (its path, `/socket.io/` by default). */
  readonly claims: (url: URL) => boolean;
  /** Hangs up every call (`server_shutdown`), disconnects every socket and stops the engine. Leaves the HTTP server to its owner. Idempotent. */
  close(): Promise<void>;
}

const knownEvents: ReadonlySet<string> = new Set(['start-call', 'audio-data', 'playback-position', 'end-call', 'error']);

/** How long a non-Socket.IO upgrade may go unanswered before Socket.IO's engine drops it; above the auth timeout. */
const OTHER_UPGRADE_GRACE_MS = 15_000;

export function attachSocketIo(httpServer: HttpServer, options: SocketIoTransportOptions): SocketIoAttachment {
  const limits = resolveLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ transport: 'socketio' });
  const io: CallServer = new Server(httpServer, {
    destroyUpgradeTimeout: Math.max(OTHER_UPGRADE_GRACE_MS, limits.authTimeoutMs + 1000),
    ...options.serverOptions,
    maxHttpBufferSize: limits.maxMessageBytes,
  });
  const connections = new Set<CallerConnection>();
  let closing = false;

  io.use(authenticationMiddleware(options, limits, clock, logger));

  io.on('connection', (socket) => {
    const identity = socket.data.identity;
    if (identity === undefined || closing) {
      socket.disconnect(true);
      return;
    }
    const connection = serveSocket({ socket, identity, options, limits, clock, logger });
    connections.add(connection);
    socket.on('disconnect', (reason) => {
      logger.debug({ connectionId: socket.id, reason }, 'socket disconnected');
      connection.disconnected(closing ? 'server_shutdown' : 'caller_disconnected');
      connections.delete(connection);
    });
  });

  const path = io.path();
  return {
    io,
    claims: (url) => url.pathname === path || url.pathname.startsWith(`${path}/`),
    close() {
      if (closing) return Promise.resolve();
      closing = true;
      for (const connection of connections) connection.disconnected('server_shutdown');
      connections.clear();
      io.disconnectSockets(true);
      io.engine.close();
      return Promise.resolve();
    },
  };
}

type Middleware = Parameters<CallServer['use']>[0];

/** Authenticates the handshake before the socket connects; a refusal reaches the client as `connect_error` with `data.code`. */
function authenticationMiddleware(options: SocketIoTransportOptions, limits: TransportLimits, clock: Clock, logger: Logger): Middleware {
  return (socket, next) => {
    const handshake = { headers: socket.handshake.headers, auth: socket.handshake.auth, query: socket.handshake.query };
    authenticateHandshake({ authenticate: options.authenticate, handshake, timeoutMs: limits.authTimeoutMs, clock, logger })
      .then((outcome) => {
        if (outcome.ok) {
          socket.data.identity = outcome.identity;
          next();
          return;
        }
        logger.info({ code: outcome.code }, 'connection refused');
        next(Object.assign(new Error(outcome.message), { data: { code: outcome.code } }));
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'accepting a connection failed');
        socket.disconnect(true);
      });
  };
}

interface ServeParams {
  readonly socket: CallSocket;
  readonly identity: CallerIdentity;
  readonly options: SocketIoTransportOptions;
  readonly limits: TransportLimits;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Wires one authenticated socket's events to its `CallerConnection`. */
function serveSocket({ socket, identity, options, limits, clock, logger: parent }: ServeParams): CallerConnection {
  const logger = parent.child({ connectionId: socket.id });
  const connection = new CallerConnection({ identity, connector: options.connector, wire: socketIoConnectionWire(socket, logger), limits, clock, logger });
  const messages = new TokenBucket({ ratePerSecond: limits.maxMessagesPerSecond, capacity: 2 * limits.maxMessagesPerSecond, clock });

  socket.use((_packet, next) => {
    if (messages.take()) {
      next();
      return;
    }
    connection.reportError({ code: 'rate_limited', message: `More than ${limits.maxMessagesPerSecond} messages/s; message dropped`, recoverable: true });
  });

  const guard: Guard = (event, handle) => (payload) => {
    try {
      handle(payload);
    } catch (error) {
      logger.error({ err: error, event }, 'socket event handler failed');
      connection.reportError({ code: 'internal_error', message: `The server failed to handle ${event}`, recoverable: true });
    }
  };

  bindCallEvents(socket, connection, limits, guard);
  // Socket.IO reports middleware errors as `error`, and a client may emit an event of that name:
  // neither is ours to answer.
  socket.on('error', (error) => {
    logger.debug({ err: error }, 'socket error event');
  });
  socket.onAny((event: unknown) => {
    if (typeof event !== 'string' || !knownEvents.has(event)) logger.debug({ event: String(event) }, 'unknown socket event ignored');
  });
  return connection;
}

type Guard = (event: string, handle: (payload: unknown) => void) => (payload?: unknown) => void;

/** One small handler per client event: parse, then hand the result (or its error) to the connection. */
function bindCallEvents(socket: CallSocket, connection: CallerConnection, limits: TransportLimits, guard: Guard): void {
  socket.on(
    'start-call',
    guard('start-call', (payload) => {
      const parsed = parseStartCall(payload);
      if (!parsed.ok) {
        connection.reportError(parsed.error);
        return;
      }
      const { request, audioPayload } = parsed.value;
      connection.start(request, () => socketIoCallWire(socket, audioPayload));
    }),
  );
  socket.on(
    'audio-data',
    guard('audio-data', (payload) => {
      const parsed = parseAudioData(payload, limits.maxFrameBytes);
      if (parsed.ok) connection.audio(parsed.value);
      else connection.reportError(parsed.error);
    }),
  );
  socket.on(
    'playback-position',
    guard('playback-position', (payload) => {
      const parsed = parsePlaybackPosition(payload);
      if (parsed.ok) connection.playback(parsed.value);
      else connection.reportError(parsed.error);
    }),
  );
  socket.on(
    'end-call',
    guard('end-call', (payload) => {
      const parsed = parseEndCall(payload);
      if (parsed.ok) connection.end(parsed.value);
      else connection.reportError(parsed.error);
    }),
  );
}
