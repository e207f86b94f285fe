import { PRE_ENGINE_AUDIO_MS } from '../../runtime/call-settings.ts';

/** Tunables of the Twilio media stream bridge; every one has a safe default. */
export interface TwilioStreamLimits {
  /** Largest WebSocket message accepted at all (ws `maxPayload`); a bigger one closes the connection. */
  readonly maxMessageBytes: number;
  /**
   * Caller audio held between `start` and the connector accepting the call (token check, session set
   * up); beyond it the oldest is dropped. The runtime then buffers again until the engine is open,
   * within the same budget (`PRE_ENGINE_AUDIO_MS` for both by default).
   */
  readonly maxHeldAudioMs: number;
  /** Inbound gap (no `media`) after which μ-law silence is fed to the runtime at real-time pace. */
  readonly stallMs: number;
  /** No message at all for this long: the stream is dead and the call hangs up. */
  readonly inboundTimeoutMs: number;
  /** A carried partial outbound frame is sent (padded with silence) after this long without more audio. */
  readonly tailFlushMs: number;
  /** When the call ends, how long the phone may take to play the audio already queued before the socket closes. */
  readonly closeDrainMs: number;
  /** After Twilio's `stop`, how long the runtime has to close the call before the socket is closed anyway. */
  readonly hangupGraceMs: number;
  /** How long `verifyUpgrade` may take before the upgrade is refused. */
  readonly verifyTimeoutMs: number;
}

/**
 * Defaults: 64 KiB is far above Twilio's largest message (a `start` with parameters, ~1 KiB); 100 ms
 * is five missed frames; a live `<Connect><Stream>` sends 50 messages a second, so 10 s of nothing
 * means the peer is gone.
 */
export const defaultTwilioStreamLimits: TwilioStreamLimits = Object.freeze({
  maxMessageBytes: 64 * 1024,
  maxHeldAudioMs: PRE_ENGINE_AUDIO_MS,
  stallMs: 100,
  inboundTimeoutMs: 10_000,
  tailFlushMs: 60,
  closeDrainMs: 3000,
  hangupGraceMs: 10_000,
  verifyTimeoutMs: 5000,
});

export function resolveTwilioLimits(overrides: Partial<TwilioStreamLimits> = {}): TwilioStreamLimits {
  return Object.freeze({ ...defaultTwilioStreamLimits, ...overrides });
}
