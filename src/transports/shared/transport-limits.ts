/** Size and rate guards every realtime connection runs under; all have safe defaults. */
export interface TransportLimits {
  /** Largest audio frame accepted, in bytes of PCM16 (after base64 decoding). Larger → `payload_too_large`. */
  readonly maxFrameBytes: number;
  /**
   * Largest message the socket accepts at all (Socket.IO `maxHttpBufferSize`, ws `maxPayload`). A
   * bigger one closes that connection: it is no longer a protocol error but abuse.
   */
  readonly maxMessageBytes: number;
  /** Sustained inbound messages per second per connection; bursts of twice this pass. Excess → `rate_limited`, dropped. */
  readonly maxMessagesPerSecond: number;
  /** Sustained inbound audio bytes per second per connection; bursts of twice this pass. */
  readonly maxAudioBytesPerSecond: number;
  /** Caller audio held while the connector is still starting the call; later frames are dropped. */
  readonly maxPendingAudioBytes: number;
  /** After the caller hangs up, how long the runtime has to close the call before the transport closes itself. */
  readonly hangupGraceMs: number;
  /** How long `authenticate` may take before the connection is refused. */
  readonly authTimeoutMs: number;
  /** Error events sent per second per connection (bursts of 4× pass); the rest are dropped and logged. */
  readonly errorsPerSecond: number;
}

/**
 * Defaults: a 64 KiB frame is 667 ms of 48 kHz PCM16 (clients send 20–100 ms); 400 000 B/s is about
 * four times real time at 48 kHz; 200 messages/s allows 10 ms frames with room to spare.
 */
export const defaultTransportLimits: TransportLimits = Object.freeze({
  maxFrameBytes: 64 * 1024,
  maxMessageBytes: 256 * 1024,
  maxMessagesPerSecond: 200,
  maxAudioBytesPerSecond: 400_000,
  maxPendingAudioBytes: 1024 * 1024,
  hangupGraceMs: 10_000,
  authTimeoutMs: 5_000,
  errorsPerSecond: 5,
});

/** The defaults with `overrides` applied. */
export function resolveLimits(overrides: Partial<TransportLimits> = {}): TransportLimits {
  return Object.freeze({ ...defaultTransportLimits, ...overrides });
}
