/**
 * The seam between a caller-side wire protocol and the rest of the server. A transport adapter
 * authenticates the connection, validates the caller's `start-call`, builds a `CallTransport` and
 * hands it to a `CallConnector`; the composition root implements the connector (load the call,
 * check that the caller owns it, run a call session over the transport).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { CallTransport } from '../../runtime/ports.ts';

/** Who opened a realtime connection, as established by {@link Authenticate}. */
export type CallerIdentity = Principal;

/** What an authenticator sees of a connection attempt, for both Socket.IO and plain WebSocket. */
export interface HandshakeInfo {
  readonly headers: IncomingHttpHeaders;
  /** Socket.IO's `auth` object (`io(url, { auth })`); always empty for plain WebSocket. */
  readonly auth: Readonly<Record<string, unknown>>;
  /** Query-string parameters of the connection URL (browsers cannot set headers on a WebSocket). */
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/**
 * Establishes who is connecting. Resolves `null` to refuse the connection (`unauthenticated`);
 * rejecting with a `forbidden` `AppError` refuses it as `forbidden` (Socket.IO `connect_error`
 * code, WebSocket 403) with that message; any other rejection refuses it as `internal_error` and is logged.
 */
export type Authenticate = (handshake: HandshakeInfo) => Promise<CallerIdentity | null>;

export interface StartCallParams {
  /** The call the caller asked to join, as sent; the connector checks that it exists and is theirs. */
  readonly callId: string;
  readonly identity: CallerIdentity;
  /** The caller's side of the call, with the formats the caller declared. Owned by the call from now on. */
  readonly transport: CallTransport;
  /**
   * What the caller connects through: an app transport (Socket.IO, WebSocket, WebRTC; the default) joins
   * only calls made for apps, a Twilio media stream only phone calls. A phone call's audio belongs to
   * the phone line, whoever else knows its id.
   */
  readonly carrier?: 'app' | 'twilio';
}

/** Why a call could not start; `code` is a stable catalogue code sent to the caller as is. */
export interface StartCallFailure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}

export type StartCallResult = { readonly ok: true } | StartCallFailure;

/**
 * Starts a call over a transport. Expected refusals (unknown call, not the caller's, already
 * running) are values, not rejections. A rejection is treated as a bug: logged, reported to the
 * caller as `internal_error`, and the transport is closed.
 *
 * The connector may use the transport (subscribe, send audio, notify) before its promise settles;
 * caller events that arrive before it settles are held and delivered, in order, once it resolves ok.
 */
export interface CallConnector {
  startCall(params: StartCallParams): Promise<StartCallResult>;
}
