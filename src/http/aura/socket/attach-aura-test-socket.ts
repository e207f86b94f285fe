/**
 * `WS /ws/test`: AURA's integration echo (docs/aura.md). The upgrade is authenticated like
 * `WS /ws/session/{id}` (a user's credentials, or `?access_token=` from a browser) before any WebSocket
 * exists: refusals are plain HTTP answers (401, 403). Each JSON object sent comes back as
 * `{ type: 'echo', data, timestamp }`; anything else is answered with an `error` message, and the
 * connection stays open. Frame handlers never throw.
 */
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Clock } from '../../../core/clock.ts';
import type { Logger } from '../../../core/logger.ts';
import { authenticateHandshake } from '../../../transports/shared/authenticate-handshake.ts';
import type { Authenticate } from '../../../transports/shared/call-connector.ts';
import { TokenBucket } from '../../../transports/shared/token-bucket.ts';

export interface AuraTestSocketOptions {
  readonly authenticate: Authenticate;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Messages per second a client may send. Default 50, as on the session socket. */
  readonly maxMessagesPerSecond?: number;
  readonly pingIntervalMs?: number;
}

export interface AuraTestSocket {
  readonly wss: WebSocketServer;
  close(): Promise<void>;
}

/** The largest frame accepted: an echo needs no audio-sized frames. */
export const MAX_TEST_FRAME_BYTES = 64 * 1024;

export type AuraTestServerMessage =
  | { readonly type: 'echo'; readonly timestamp: string; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'error'; readonly timestamp: string; readonly data: { readonly code: string; readonly message: string; readonly recoverable: true } };

const PATH = '/ws/test';

export function attachAuraTestSocket(httpServer: HttpServer, options: AuraTestSocketOptions): AuraTestSocket {
  const logger = options.logger.child({ transport: 'aura-test' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TEST_FRAME_BYTES, perMessageDeflate: false });
  const peers = new Map<WebSocket, { alive: boolean }>();
  const rate = options.maxMessagesPerSecond ?? 50;
  const pingIntervalMs = options.pingIntervalMs ?? 25_000;
  let closing = false;
  const now = () => new Date(options.clock.nowMs()).toISOString();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = URL.canParse(request.url ?? '', 'http://localhost') ? new URL(request.url ?? '', 'http://localhost') : null;
    if (url?.pathname !== PATH) {
      if (httpServer.listenerCount('upgrade') === 1) refuse(socket, 404, 'route_not_found', 'Not found');
      return;
    }
    socket.on('error', (error) => {
      logger.debug({ err: error }, 'socket error during upgrade');
    });
    if (closing) {
      refuse(socket, 503, 'internal_error', 'Server is shutting down');
      return;
    }
    const query = Object.fromEntries(url.searchParams.entries());
    void authenticateHandshake({ authenticate: options.authenticate, handshake: { headers: request.headers, auth: {}, query }, timeoutMs: 10_000, clock: options.clock, logger }).then((outcome) => {
      if (!outcome.ok) {
        refuse(socket, outcome.code === 'unauthenticated' ? 401 : outcome.code === 'forbidden' ? 403 : 500, outcome.code, outcome.message);
        return;
      }
      if (outcome.identity.kind !== 'user') {
        refuse(socket, 403, 'forbidden', 'The AURA test socket is for users: use a user token');
        return;
      }
      if (closing || socket.destroyed) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        serve(ws);
      });
    });
  };

  function serve(ws: WebSocket): void {
    const send = (message: AuraTestServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const error = (code: string, message: string) => {
      send({ type: 'error', timestamp: now(), data: { code, message, recoverable: true } });
    };
    const bucket = new TokenBucket({ ratePerSecond: rate, capacity: 2 * rate, clock: options.clock });
    peers.set(ws, { alive: true });

    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        if (!bucket.take()) {
          error('rate_limited', 'Too many messages per second; message dropped');
          return;
        }
        if (isBinary) {
          error('unsupported_message', 'Binary frames are not accepted: send a JSON object');
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(toText(data));
        } catch {
          error('invalid_json', 'The message is not JSON');
          return;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          error('validation_failed', 'The message must be a JSON object');
          return;
        }
        send({ type: 'echo', timestamp: now(), data: parsed as Record<string, unknown> });
      } catch (failure) {
        logger.error({ err: failure }, 'aura test frame handler failed');
        error('internal_error', 'The server failed to handle a message');
      }
    });
    ws.on('pong', () => {
      const peer = peers.get(ws);
      if (peer) peer.alive = true;
    });
    ws.on('error', (failure) => {
      logger.debug({ err: failure }, 'aura test socket error');
    });
    ws.on('close', () => {
      peers.delete(ws);
    });
  }

  httpServer.on('upgrade', onUpgrade);
  let cancelPing = options.clock.setTimer(pingIntervalMs, function sweep() {
    for (const [ws, peer] of peers) {
      if (!peer.alive) {
        ws.terminate();
        continue;
      }
      peer.alive = false;
      ws.ping();
    }
    cancelPing = options.clock.setTimer(pingIntervalMs, sweep);
  });

  let closed: Promise<void> | undefined;
  return {
    wss,
    close() {
      closed ??= (async () => {
        closing = true;
        cancelPing();
        httpServer.off('upgrade', onUpgrade);
        for (const ws of peers.keys()) ws.close(1001, 'server shutting down');
        for (const ws of peers.keys()) ws.terminate();
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

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ code, message, detail: message });
  const headers = [`HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${String(Buffer.byteLength(body))}`, ...(status === 401 ? ['WWW-Authenticate: Bearer'] : [])];
  socket.once('finish', () => socket.destroy());
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
