/**
 * The life of a hand-written WebSocket endpoint (ws in `noServer` mode) on a shared HTTP server: its
 * `upgrade` listener (route, refuse while closing, admit before any WebSocket exists, serve), the
 * keepalive of its peers, and an idempotent `close()`. What differs between endpoints (the path, who
 * is admitted, what serves a connection, how connections are ended) comes in as functions.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { passUpgrade, refuseUpgrade, SHUTTING_DOWN, upgradeUrl, type RefusalStyle, type UpgradeRefusal } from './upgrade-refusal.ts';
import { WebSocketPeers } from './websocket-peers.ts';

/** Whether an upgrade may become a WebSocket: what the endpoint serves it with, or the HTTP refusal. */
export type UpgradeAdmission<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly refusal: UpgradeRefusal };

export interface WebSocketEndpointOptions<R, A, T> extends RefusalStyle {
  readonly wss: WebSocketServer;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Interval between keepalive pings; a peer that missed the previous pong is terminated. */
  readonly pingIntervalMs: number;
  /** Called just before an unresponsive peer is terminated. */
  readonly onUnresponsive?: () => void;
  /** What this endpoint needs of the URL (path parameters), or null to leave the upgrade to other listeners. */
  route(url: URL): R | null;
  /** Decides (authenticates) before any WebSocket exists. */
  admit(request: IncomingMessage, url: URL, route: R): Promise<UpgradeAdmission<A>>;
  /** Runs one accepted connection; returns what serves it, kept with the peer until it closes. */
  serve(ws: WebSocket, admitted: A): T;
  /** Ends the open connections at shutdown, once upgrades are refused and the keepalive has stopped. */
  shutdown(peers: WebSocketPeers<T>): Promise<void>;
}

/** What attaching an endpoint gives its owner: the ws server, the upgrades it claims, and `close()`. */
export interface AttachedWebSocketEndpoint {
  readonly wss: WebSocketServer;
  /** Whether an upgrade to `url` is this endpoint's. */
  readonly claims: (url: URL) => boolean;
  /** Hangs up what runs on it, closes every connection and stops listening for upgrades. Idempotent. */
  close(): Promise<void>;
}

export interface WebSocketEndpoint {
  isClosing(): boolean;
  /** Whether an upgrade to `url` is this endpoint's (whatever it then decides). */
  claims(url: URL): boolean;
  /** Refuses upgrades from now on (503), stops the keepalive and listening, ends the connections and the server. Idempotent. */
  close(): Promise<void>;
}

export function attachWebSocketEndpoint<R, A, T>(httpServer: HttpServer, options: WebSocketEndpointOptions<R, A, T>): WebSocketEndpoint {
  const peers = new WebSocketPeers<T>();
  let closing = false;
  const isClosing = (): boolean => closing;
  const onUpgrade = upgradeListener(httpServer, options, isClosing, (ws, admitted) => {
    peers.add(ws, options.serve(ws, admitted));
  });
  httpServer.on('upgrade', onUpgrade);
  const stopKeepalive = peers.startKeepalive(options);

  let closed: Promise<void> | undefined;
  return {
    isClosing,
    claims: (url) => options.route(url) !== null,
    close() {
      closed ??= (async () => {
        closing = true;
        stopKeepalive();
        httpServer.off('upgrade', onUpgrade);
        await options.shutdown(peers);
        await closeServer(options.wss);
      })();
      return closed;
    },
  };
}

/** Stops `wss` (in `noServer` mode it owns no listening socket; its connections are ended beforehand). */
export function closeServer(wss: WebSocketServer): Promise<void> {
  return new Promise<void>((resolve) => {
    wss.close(() => {
      resolve();
    });
  });
}

/** Routes, refuses while closing (503), admits, and accepts unless the endpoint began closing or the client left meanwhile. */
function upgradeListener<R, A, T>(
  httpServer: HttpServer,
  options: WebSocketEndpointOptions<R, A, T>,
  isClosing: () => boolean,
  accept: (ws: WebSocket, admitted: A) => void,
): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { logger } = options;
  return (request, socket, head) => {
    const url = upgradeUrl(request);
    const route = url === null ? null : options.route(url);
    if (url === null || route === null) {
      passUpgrade(httpServer, socket, options);
      return;
    }
    socket.on('error', (error) => {
      logger.debug({ err: error }, 'socket error during upgrade');
    });
    if (isClosing()) {
      refuseUpgrade(socket, SHUTTING_DOWN, options);
      return;
    }
    options
      .admit(request, url, route)
      .then((admission) => {
        if (!admission.ok) {
          refuseUpgrade(socket, admission.refusal, options);
          return;
        }
        if (isClosing() || socket.destroyed) {
          socket.destroy();
          return;
        }
        options.wss.handleUpgrade(request, socket, head, (ws) => {
          accept(ws, admission.value);
        });
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'accepting a connection failed');
        socket.destroy();
      });
  };
}
