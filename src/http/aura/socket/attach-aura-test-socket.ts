/**
 * `WS /ws/test`: AURA's integration echo (docs/aura.md). The upgrade is authenticated like
 * `WS /ws/session/{id}` (a user's credentials, or `?access_token=` from a browser) before any WebSocket
 * exists: refusals are plain HTTP answers (401, 403). Each JSON object sent comes back as
 * `{ type: 'echo', data, timestamp }`; anything else is answered with an `error` message, and the
 * connection stays open. Frame handlers never throw.
 */
import type { Server as HttpServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Clock } from '../../../core/clock.ts';
import type { Logger } from '../../../core/logger.ts';
import { authenticateHandshake } from '../../../transports/shared/authenticate-handshake.ts';
import type { Authenticate } from '../../../transports/shared/call-connector.ts';
import { TokenBucket } from '../../../transports/shared/token-bucket.ts';
import { handshakeRefusal } from '../../../transports/shared/upgrade-refusal.ts';
import { attachWebSocketEndpoint, type AttachedWebSocketEndpoint, type UpgradeAdmission } from '../../../transports/shared/websocket-endpoint.ts';

export interface AuraTestSocketOptions {
  readonly authenticate: Authenticate;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Messages per second a client may send. Default 50, as on the session socket. */
  readonly maxMessagesPerSecond?: number;
  readonly pingIntervalMs?: number;
}

export type AuraTestSocket = AttachedWebSocketEndpoint;

/** The largest frame accepted: an echo needs no audio-sized frames. */
export const MAX_TEST_FRAME_BYTES = 64 * 1024;

export type AuraTestServerMessage =
  | { readonly type: 'echo'; readonly timestamp: string; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'error'; readonly timestamp: string; readonly data: { readonly code: string; readonly message: string; readonly recoverable: true } };

const PATH = '/ws/test';

export function attachAuraTestSocket(httpServer: HttpServer, options: AuraTestSocketOptions): AuraTestSocket {
  const logger = options.logger.child({ transport: 'aura-test' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TEST_FRAME_BYTES, perMessageDeflate: false });
  const rate = options.maxMessagesPerSecond ?? 50;
  const now = () => new Date(options.clock.nowMs()).toISOString();

  function serve(ws: WebSocket): void {
    const send = (message: AuraTestServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const error = (code: string, message: string) => {
      send({ type: 'error', timestamp: now(), data: { code, message, recoverable: true } });
    };
    const bucket = new TokenBucket({ ratePerSecond: rate, capacity: 2 * rate, clock: options.clock });

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
    ws.on('error', (failure) => {
      logger.debug({ err: failure }, 'aura test socket error');
    });
  }

  const endpoint = attachWebSocketEndpoint(httpServer, {
    wss,
    logger,
    clock: options.clock,
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    echoDetail: true,
    route: (url) => (url.pathname === PATH ? url : null),
    admit: async (request, url): Promise<UpgradeAdmission<null>> => {
      const query = Object.fromEntries(url.searchParams.entries());
      const outcome = await authenticateHandshake({ authenticate: options.authenticate, handshake: { headers: request.headers, auth: {}, query }, timeoutMs: 10_000, clock: options.clock, logger });
      if (!outcome.ok) return { ok: false, refusal: handshakeRefusal(outcome) };
      if (outcome.identity.kind !== 'user') return { ok: false, refusal: { status: 403, code: 'forbidden', message: 'The AURA test socket is for users: use a user token' } };
      return { ok: true, value: null };
    },
    serve: (ws) => {
      serve(ws);
      return null;
    },
    shutdown: (peers) => {
      peers.goAway();
      peers.terminateAll();
      return Promise.resolve();
    },
  });
  return { wss, claims: (url) => endpoint.claims(url), close: () => endpoint.close() };
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

