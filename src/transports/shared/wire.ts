/**
 * What a wire protocol adapter (Socket.IO, plain WebSocket) provides to the shared call logic, and
 * the protocol-neutral events it translates into its own message names.
 */
import type { CallerNotice } from '../../runtime/ports.ts';

/** An `error` event for the caller. `recoverable: false` means the call on this connection ended or never started. */
export interface WireError {
  /** A stable code from the error catalogue (`src/core/errors.ts`). */
  readonly code: string;
  readonly message: string;
  readonly recoverable: boolean;
}

/** Runtime notices, enriched with what only the transport knows (formats, generation). */
export type OutboundEvent =
  | Exclude<CallerNotice, { type: 'call_started' | 'interrupted' | 'error' }>
  | {
      readonly type: 'call_started';
      readonly callId: string;
      readonly inputSampleRateHz: number;
      readonly outputSampleRateHz: number;
      readonly generation: number;
    }
  | { readonly type: 'interrupted'; readonly itemId: string; readonly heardMs: number; readonly generation: number }
  | ({ readonly type: 'error' } & WireError);

/**
 * One chunk of assistant PCM16 audio for the caller. `data` is lent for the duration of `sendAudio`
 * only (the runtime may reuse its buffer): a wire that keeps the bytes past the call (a binary
 * message queued on a socket) copies them; one that encodes them at once (base64 text) need not.
 */
export interface OutboundAudio {
  readonly itemId: string;
  readonly generation: number;
  readonly sampleRateHz: number;
  readonly data: Uint8Array;
}

/** The sending half of one call on a connection. Methods never throw. */
export interface CallWire {
  sendEvent(event: OutboundEvent): void;
  sendAudio(audio: OutboundAudio): void;
}

/** The sending half of one connection. Methods never throw. */
export interface ConnectionWire {
  /** How this protocol's client names its call start and end, for error messages (`start-call`; `{"type":"start"}`). */
  readonly messageNames: { readonly start: string; readonly end: string };
  sendError(error: WireError): void;
  /**
   * The call on this connection is over and its transport closed. Socket.IO keeps the socket so the
   * client may start another call; plain WebSocket closes the connection.
   */
  callReleased(reason: string): void;
}
