/**
 * `WS /ws/session/{id}`: AURA's live coaching socket (docs/aura.md). The upgrade is authenticated
 * (the same credentials as HTTP, or `?access_token=` from a browser) and the session checked before
 * any WebSocket exists: refusals are plain HTTP answers (401, 403, 404, 409). Each connection runs a
 * {@link LiveCoaching} for its session; frame handlers never throw.
 */
import type { Server as HttpServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Clock } from '../../../core/clock.ts';
import { isAppError } from '../../../core/errors.ts';
import { isUuid } from '../../../core/ids.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Principal } from '../../../core/principal.ts';
import type { AuraCoaching } from '../../../services/aura/aura-coaching.ts';
import { isOpen, type AuraSessions } from '../../../services/aura/aura-sessions.ts';
import { LiveCoaching } from '../../../services/aura/live-coaching.ts';
import type { Database } from '../../../store/database.ts';
import type { AuraSessionRow } from '../../../store/schema/aura-sessions.ts';
import { authenticateHandshake } from '../../../transports/shared/authenticate-handshake.ts';
import type { Authenticate } from '../../../transports/shared/call-connector.ts';
import { TokenBucket } from '../../../transports/shared/token-bucket.ts';
import { handshakeRefusal } from '../../../transports/shared/upgrade-refusal.ts';
import { attachWebSocketEndpoint, type AttachedWebSocketEndpoint, type UpgradeAdmission } from '../../../transports/shared/websocket-endpoint.ts';
import { MAX_CHUNK_BYTES, parseClientMessage, pcm16FromBase64, type ClientMessage } from './aura-session-messages.ts';
import { initialized, wireOf, type ServerMessage } from './aura-session-wire.ts';

export interface AuraSessionSocketOptions {
  readonly authenticate: Authenticate;
  readonly sessions: AuraSessions;
  readonly coaching: AuraCoaching;
  readonly db: Database;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Messages per second a client may send (AURA streams ten 100 ms chunks a second). Default 50. */
  readonly maxMessagesPerSecond?: number;
  readonly pingIntervalMs?: number;
}

export type AuraSessionSocket = AttachedWebSocketEndpoint;

const pathPattern = /^\/ws\/session\/([^/]+)$/;

export function attachAuraSessionSocket(httpServer: HttpServer, options: AuraSessionSocketOptions): AuraSessionSocket {
  const logger = options.logger.child({ transport: 'aura-session' });
  // base64 of the largest chunk plus the JSON around it.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.ceil(MAX_CHUNK_BYTES / 3) * 4 + 4096, perMessageDeflate: false });
  function serve(ws: WebSocket, principal: Principal, session: AuraSessionRow): LiveCoaching {
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const live = new LiveCoaching({
      db: options.db,
      clock: options.clock,
      logger,
      sessions: options.sessions,
      coaching: options.coaching,
      principal,
      session,
      emit: (event) => {
        send(wireOf(event, session.id, options.clock.nowMs()));
        if (event.type === 'status' && event.status === 'ended') ws.close(1000, 'session ended');
      },
    });
    const error = (code: string, message: string) => {
      send(wireOf({ type: 'error', code, message, recoverable: true }, session.id, options.clock.nowMs()));
    };
    const bucket = new TokenBucket({ ratePerSecond: options.maxMessagesPerSecond ?? 50, capacity: 2 * (options.maxMessagesPerSecond ?? 50), clock: options.clock });
    send(initialized(session, options.clock.nowMs()));

    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        if (!bucket.take()) {
          error('rate_limited', 'Too many messages per second; message dropped');
          return;
        }
        if (isBinary) {
          error('unsupported_message', 'Binary frames are not accepted: send {"type":"audio_chunk","audio_data":"<base64 PCM16>"}');
          return;
        }
        const parsed = parseClientMessage(toText(data));
        if (!parsed.ok) {
          error(parsed.error.code, parsed.error.message);
          return;
        }
        dispatch(parsed.value, live, error, send, session.id, options.clock);
      } catch (failure) {
        logger.error({ err: failure }, 'aura session frame handler failed');
        error('internal_error', 'The server failed to handle a message');
      }
    });
    ws.on('error', (failure) => {
      logger.debug({ err: failure }, 'aura session socket error');
    });
    ws.on('close', () => {
      void live.close();
    });
    return live;
  }

  const endpoint = attachWebSocketEndpoint(httpServer, {
    wss,
    logger,
    clock: options.clock,
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    echoDetail: true,
    route: (url) => pathPattern.exec(url.pathname)?.[1] ?? null,
    admit: (request, url, sessionId) => admit(options, logger, { headers: request.headers, auth: {}, query: Object.fromEntries(url.searchParams.entries()) }, sessionId),
    serve: (ws, admitted) => serve(ws, admitted.principal, admitted.session),
    shutdown: async (peers) => {
      const lives = peers.values();
      peers.goAway();
      await Promise.all(lives.map((live) => live.close()));
      peers.terminateAll();
    },
  });
  return { wss, claims: (url) => endpoint.claims(url), close: () => endpoint.close() };
}

type Admission = UpgradeAdmission<{ readonly principal: Principal; readonly session: AuraSessionRow }>;

/** Who connects, and whether the session is theirs and still open. Never rejects. */
async function admit(options: AuraSessionSocketOptions, logger: Logger, handshake: Parameters<Authenticate>[0], sessionId: string): Promise<Admission> {
  const outcome = await authenticateHandshake({ authenticate: options.authenticate, handshake, timeoutMs: 10_000, clock: options.clock, logger });
  if (!outcome.ok) return { ok: false, refusal: handshakeRefusal(outcome) };
  const principal = outcome.identity;
  if (principal.kind !== 'user') return refused(403, 'forbidden', 'AURA sessions belong to users: use a user token');
  if (!isUuid(sessionId)) return refused(404, 'session_not_found', 'Session not found');
  try {
    const session = await options.sessions.get(principal, sessionId);
    if (!isOpen(session)) return refused(409, 'session_not_active', `This session is ${session.status}: it takes no more audio`);
    return { ok: true, value: { principal, session } };
  } catch (error) {
    if (isAppError(error)) return refused(error.httpStatus, error.code, error.message);
    logger.error({ err: error }, 'aura session lookup failed');
    return refused(500, 'internal_error', 'Internal error');
  }

}

function refused(status: number, code: string, message: string): Admission {
  return { ok: false, refusal: { status, code, message } };
}

function dispatch(message: ClientMessage, live: LiveCoaching, error: (code: string, message: string) => void, send: (m: ServerMessage) => void, sessionId: string, clock: Clock): void {
  switch (message.type) {
    case 'audio_chunk': {
      const samples = pcm16FromBase64(message.audio_data);
      if (samples === null) error('invalid_audio', 'audio_data must be whole PCM16 samples (an even number of bytes)');
      else live.audio(samples, message.sample_rate);
      return;
    }
    case 'control_command':
      live.command(message.command);
      return;
    case 'config_update': {
      const c = message.config;
      live.configure({
        ...(c.feedback_frequency === undefined ? {} : { feedbackFrequencyS: c.feedback_frequency }),
        ...(c.real_time_feedback === undefined ? {} : { realTimeFeedback: c.real_time_feedback }),
        ...(c.ai_coaching === undefined ? {} : { aiCoaching: c.ai_coaching }),
      });
      return;
    }
    case 'heartbeat': {
      const s = live.session;
      send({ type: 'heartbeat_response', session_id: sessionId, timestamp: new Date(clock.nowMs()).toISOString(), data: { status: s.status, total_chunks: s.state.chunks, audio_seconds: Math.round(s.state.analysedMs) / 1000 } });
      return;
    }
    case 'request_summary':
      live.summary();
      return;
  }
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

