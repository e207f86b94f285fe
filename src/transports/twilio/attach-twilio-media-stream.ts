/**
 * Attaches the Twilio Media Streams endpoint to an HTTP server: a `ws` server (noServer mode) on the
 * `upgrade` of the given paths. Every upgrade is checked by `verifyUpgrade` (the `X-Twilio-Signature`
 * check) and refused with HTTP 403 before a WebSocket exists; accepted connections each run one
 * {@link TwilioMediaStream}. The call id and the one-time stream token come from `start.customParameters`,
 * never from the URL (Twilio forbids query strings in the stream URL).
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { systemClock, type Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { passUpgrade, refuseUpgrade, SHUTTING_DOWN, upgradeUrl, type UpgradeRefusal } from '../shared/upgrade-refusal.ts';
import { closeServer } from '../shared/websocket-endpoint.ts';
import { terminateAfter } from '../shared/websocket-peers.ts';
import type { TwilioCallConnector, VerifyTwilioUpgrade } from './twilio-connector.ts';
import { resolveTwilioLimits, type TwilioStreamLimits } from './twilio-limits.ts';
import { TwilioMediaStream, type TwilioSocket } from './twilio-media-stream.ts';

/** Where Twilio connects: our path, and HandleHome's historical one. */
export const DEFAULT_TWILIO_MEDIA_PATHS: readonly string[] = Object.freeze(['/twilio/media', '/media-stream']);

export interface TwilioMediaStreamOptions {
  /** Required: decides whether an upgrade comes from Twilio (see {@link VerifyTwilioUpgrade}). */
  readonly verifyUpgrade: VerifyTwilioUpgrade;
  readonly connector: TwilioCallConnector;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** URL paths served; default {@link DEFAULT_TWILIO_MEDIA_PATHS}. Other paths are left to other upgrade handlers. */
  readonly paths?: readonly string[];
  readonly limits?: Partial<TwilioStreamLimits>;
}

export interface TwilioMediaAttachment {
  readonly wss: WebSocketServer;
  /** Streams open now. */
  readonly streams: ReadonlySet<TwilioMediaStream>;
  /** Whether an upgrade to `url` is for a media stream path. */
  readonly claims: (url: URL) => boolean;
  /** Hangs up every call (`server_shutdown`), closes every stream and stops accepting upgrades. Idempotent. */
  close(): Promise<void>;
}

/** How long `close()` waits for Twilio to acknowledge the close before terminating. */
const CLOSE_WAIT_MS = 1000;

interface Context {
  readonly options: TwilioMediaStreamOptions;
  readonly limits: TwilioStreamLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly httpServer: HttpServer;
  readonly wss: WebSocketServer;
  readonly paths: ReadonlySet<string>;
  readonly sockets: Map<WebSocket, TwilioMediaStream>;
  readonly isClosing: () => boolean;
}

export function attachTwilioMediaStream(httpServer: HttpServer, options: TwilioMediaStreamOptions): TwilioMediaAttachment {
  const limits = resolveTwilioLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });
  const sockets = new Map<WebSocket, TwilioMediaStream>();
  const streams = new Set<TwilioMediaStream>();
  let closing = false;
  const context: Context = {
    options,
    limits,
    clock,
    logger: options.logger.child({ transport: 'twilio' }),
    httpServer,
    wss,
    paths: new Set(options.paths ?? DEFAULT_TWILIO_MEDIA_PATHS),
    sockets,
    isClosing: () => closing,
  };
  const onUpgrade = upgradeHandler(context, streams);
  httpServer.on('upgrade', onUpgrade);

  let closed: Promise<void> | undefined;
  return {
    wss,
    streams,
    claims: (url) => context.paths.has(url.pathname),
    close() {
      closed ??= (async () => {
        closing = true;
        httpServer.off('upgrade', onUpgrade);
        const all = [...sockets.keys()];
        for (const stream of sockets.values()) stream.shutdown();
        await terminateAfter(all, clock, CLOSE_WAIT_MS);
        await closeServer(wss);
      })();
      return closed;
    },
  };
}

function upgradeHandler(context: Context, streams: Set<TwilioMediaStream>): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { logger } = context;
  return (request, socket, head) => {
    const pathname = upgradeUrl(request)?.pathname ?? null;
    if (pathname === null || !context.paths.has(pathname)) {
      passUpgrade(context.httpServer, socket);
      return;
    }
    socket.on('error', (error) => {
      logger.debug({ err: error }, 'socket error during twilio upgrade');
    });
    if (context.isClosing()) {
      refuseUpgrade(socket, SHUTTING_DOWN);
      return;
    }
    verify(context, request)
      .then((status) => {
        if (status !== 'accepted') {
          logger.warn({ status, path: pathname }, 'twilio media upgrade refused');
          refuseUpgrade(socket, status === 'refused' ? NOT_FROM_TWILIO : NOT_VERIFIED);
          return;
        }
        if (context.isClosing() || socket.destroyed) {
          socket.destroy();
          return;
        }
        context.wss.handleUpgrade(request, socket, head, (ws) => {
          const stream = serveStream(ws, socket, context);
          streams.add(stream);
          ws.once('close', () => streams.delete(stream));
        });
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'accepting a twilio stream failed');
        socket.destroy();
      });
  };
}

/** Runs `verifyUpgrade` with a deadline; never rejects. */
async function verify(context: Context, request: IncomingMessage): Promise<'accepted' | 'refused' | 'failed'> {
  let cancelTimer: () => void = () => undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    cancelTimer = context.clock.setTimer(context.limits.verifyTimeoutMs, () => {
      resolve('timeout');
    });
  });
  try {
    const verdict = await Promise.race([Promise.resolve(context.options.verifyUpgrade(request)), timedOut]);
    if (verdict === 'timeout') {
      context.logger.error({ timeoutMs: context.limits.verifyTimeoutMs }, 'twilio upgrade verification timed out');
      return 'failed';
    }
    return verdict ? 'accepted' : 'refused';
  } catch (error) {
    context.logger.error({ err: error }, 'twilio upgrade verification failed');
    return 'failed';
  } finally {
    cancelTimer();
  }
}

function socketOf(ws: WebSocket, socket: Duplex): TwilioSocket {
  return {
    send(text) {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    batch(run) {
      // ws corks the socket around each frame it writes; corks nest, so nothing leaves before ours is lifted.
      socket.cork();
      try {
        run();
      } finally {
        socket.uncork();
      }
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
  };
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** Wires one accepted connection's frames to its {@link TwilioMediaStream}. */
function serveStream(ws: WebSocket, socket: Duplex, context: Context): TwilioMediaStream {
  const { options, limits, clock } = context;
  const logger = context.logger.child({ connectionId: newId() });
  const stream = new TwilioMediaStream({ socket: socketOf(ws, socket), connector: options.connector, limits, clock, logger });
  context.sockets.set(ws, stream);
  ws.on('message', (data, isBinary) => {
    if (isBinary) stream.receiveBinary();
    else stream.receive(textOf(data));
  });
  ws.on('error', (error) => {
    logger.debug({ err: error }, 'twilio websocket error');
  });
  ws.on('close', (code) => {
    logger.debug({ code }, 'twilio websocket closed');
    context.sockets.delete(ws);
    stream.socketClosed();
  });
  return stream;
}

const NOT_FROM_TWILIO: UpgradeRefusal = { status: 403, code: 'forbidden', message: 'Not a verified Twilio request' };
const NOT_VERIFIED: UpgradeRefusal = { status: 500, code: 'internal_error', message: 'The request could not be verified' };
