/**
 * How a hand-written WebSocket endpoint (ws in `noServer` mode) refuses an `upgrade`: a plain HTTP answer
 * (`{ code, message }` JSON, `Connection: close`) before any WebSocket exists. Several endpoints share
 * one HTTP server's `upgrade` event, so a path an endpoint does not serve is left to the others, and
 * answered 404 only when nobody else listens.
 */
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HandshakeOutcome } from './authenticate-handshake.ts';

/** An upgrade answered with an HTTP error instead of a WebSocket. */
export interface UpgradeRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface RefusalStyle {
  /** Repeat the message as `detail`, where FastAPI clients (AURA's) read it. */
  readonly echoDetail?: boolean;
}

export const ROUTE_NOT_FOUND: UpgradeRefusal = { status: 404, code: 'route_not_found', message: 'Not found' };
export const SHUTTING_DOWN: UpgradeRefusal = { status: 503, code: 'internal_error', message: 'Server is shutting down' };

/** A refused handshake as its HTTP answer: 401 without a (valid) credential, 403 when it may not connect, else 500. */
export function handshakeRefusal(outcome: Extract<HandshakeOutcome, { ok: false }>): UpgradeRefusal {
  const status = outcome.code === 'unauthenticated' ? 401 : outcome.code === 'forbidden' ? 403 : 500;
  return { status, code: outcome.code, message: outcome.message };
}

/** Answers an upgrade request with a plain HTTP error and closes the socket (401 also names the `Bearer` scheme). */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal, style: RefusalStyle = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const { status, code, message } = refusal;
  const json = JSON.stringify(style.echoDetail === true ? { code, message, detail: message } : { code, message });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    ...(status === 401 ? ['WWW-Authenticate: Bearer'] : []),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${json}`);
}

/** The URL an upgrade asks for, or null when it does not parse. */
export function upgradeUrl(request: IncomingMessage): URL | null {
  const raw = request.url ?? '';
  return URL.canParse(raw, 'http://localhost') ? new URL(raw, 'http://localhost') : null;
}

/**
 * An upgrade to a path this endpoint does not serve: another `upgrade` listener (Socket.IO, another
 * endpoint) may own it, so answer 404 only when this endpoint is the server's sole listener; otherwise
 * leave the socket alone.
 */
export function passUpgrade(httpServer: HttpServer, socket: Duplex, style: RefusalStyle = {}): void {
  if (httpServer.listenerCount('upgrade') === 1) refuseUpgrade(socket, ROUTE_NOT_FOUND, style);
}
