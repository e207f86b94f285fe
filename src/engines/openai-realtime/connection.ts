import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { parseServerEvent, type ParsedServerEvent } from './server-events.ts';
import { realtimeHeaders } from './url.ts';

/** The `ws` client class, or a stand-in with the same constructor and events (for tests). */
export type WebSocketConstructor = typeof WebSocket;

export interface ConnectionHandlers {
  readonly onEvent: (event: ParsedServerEvent) => void;
  /** The socket closed without `close()` being called: the server hung up or the network dropped. */
  readonly onClose: (code: number, reason: string) => void;
}

export interface ConnectParams {
  readonly url: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  /** Ping period; a socket that has sent nothing (not even a pong) for a whole period is dropped. 0 disables. */
  readonly heartbeatMs: number;
  readonly WebSocketImpl: WebSocketConstructor;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly handlers: ConnectionHandlers;
}

/** How long a polite close may take before the socket is terminated. */
const closeGraceMs = 1_000;

/**
 * One upstream WebSocket to the Realtime API. Listeners are attached before the socket opens, so no
 * frame is missed. A heartbeat finds half-open sockets (a network that vanished without a FIN),
 * which would otherwise leave the call silent with no close event to reconnect on.
 */
export class RealtimeConnection {
  readonly #ws: WebSocket;
  readonly #clock: Clock;
  #closedByUs = false;
  #alive = true;
  #heartbeatTimedOut = false;
  #cancelHeartbeat: () => void = () => undefined;

  constructor(ws: WebSocket, clock: Clock, handlers: ConnectionHandlers, heartbeatMs: number) {
    this.#ws = ws;
    this.#clock = clock;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.#alive = true;
      if (!isBinary) handlers.onEvent(parseServerEvent(rawText(data)));
    });
    ws.on('pong', () => {
      this.#alive = true;
    });
    ws.once('open', () => {
      this.#scheduleHeartbeat(heartbeatMs);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.#cancelHeartbeat();
      const why = this.#heartbeatTimedOut ? 'no heartbeat' : reason.toString('utf8');
      if (!this.#closedByUs) handlers.onClose(code, why);
    });
    // Errors are always followed by 'close'; without a listener `ws` would throw them.
    ws.on('error', () => undefined);
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends one client event; returns `false` (and sends nothing) when the socket is not open. */
  send(event: RealtimeClientEvent): boolean {
    return this.sendJson(JSON.stringify(event));
  }

  /** Sends one client event already serialised (the audio hot path builds its JSON by hand). */
  sendJson(json: string): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(json);
    return true;
  }

  /** Closes with 1000 (terminating after a grace period); `onClose` is not called. Idempotent. */
  close(): Promise<void> {
    this.#closedByUs = true;
    this.#cancelHeartbeat();
    const ws = this.#ws;
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.#clock.setTimer(closeGraceMs, () => {
        ws.terminate();
      });
      ws.once('close', () => {
        cancel();
        resolve();
      });
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'closed by client');
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    });
  }

  #scheduleHeartbeat(periodMs: number): void {
    if (periodMs <= 0) return;
    this.#cancelHeartbeat = this.#clock.setTimer(periodMs, () => {
      if (!this.isOpen) return;
      if (!this.#alive) {
        this.#heartbeatTimedOut = true;
        this.#ws.terminate();
        return;
      }
      this.#alive = false;
      this.#ws.ping();
      this.#scheduleHeartbeat(periodMs);
    });
  }
}

/**
 * Opens one socket and resolves once it is open. Rejects with `engine_not_configured` when the API
 * refuses the key or the URL (HTTP 400/401/403/404), `rate_limited` on 429, and `provider_unavailable`
 * for anything else (5xx, refused or reset connections, timeouts, abort).
 */
export function openConnection(params: ConnectParams): Promise<RealtimeConnection> {
  const ws = new params.WebSocketImpl(params.url, {
    headers: realtimeHeaders(params.apiKey),
    // Base64 audio barely compresses, and ws deflates on the zlib thread pool: latency for nothing.
    perMessageDeflate: false,
  });
  const connection = new RealtimeConnection(ws, params.clock, params.handlers, params.heartbeatMs);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: AppError | null): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      params.signal.removeEventListener('abort', onAbort);
      if (error === null) {
        resolve(connection);
        return;
      }
      void connection.close();
      reject(error);
    };
    const onAbort = (): void => {
      settle(new AppError('provider_unavailable', 'Connecting to the OpenAI Realtime API was aborted'));
    };
    const cancelTimer = params.clock.setTimer(params.timeoutMs, () => {
      settle(new AppError('provider_unavailable', `The OpenAI Realtime API did not accept the connection within ${String(params.timeoutMs)} ms`));
    });
    if (params.signal.aborted) onAbort();
    params.signal.addEventListener('abort', onAbort, { once: true });
    ws.once('open', () => {
      settle(null);
    });
    ws.once('unexpected-response', (_request, response) => {
      settle(handshakeError(response.statusCode ?? 0));
    });
    ws.once('error', (cause: Error) => {
      settle(new AppError('provider_unavailable', 'Could not connect to the OpenAI Realtime API', { cause }));
    });
  });
}

/** Whether a connect failure will not go away by retrying (a wrong key, URL or model). */
export function isPermanentConnectError(error: unknown): boolean {
  return error instanceof AppError && error.code === 'engine_not_configured';
}

function handshakeError(status: number): AppError {
  if (status === 401 || status === 403) {
    return new AppError('engine_not_configured', `The OpenAI Realtime API rejected the API key (HTTP ${String(status)}); check OPENAI_API_KEY`);
  }
  if (status === 400 || status === 404) {
    return new AppError('engine_not_configured', `The OpenAI Realtime API rejected the URL or model (HTTP ${String(status)}); check OPENAI_BASE_URL and the model`);
  }
  if (status === 429) return new AppError('rate_limited', 'The OpenAI Realtime API is rate limiting new sessions (HTTP 429)');
  return new AppError('provider_unavailable', `The OpenAI Realtime API refused the connection (HTTP ${String(status)})`);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
