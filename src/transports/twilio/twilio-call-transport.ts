/**
 * `CallTransport` for one Twilio media stream. The caller speaks and hears μ-law 8 kHz, so an engine
 * that negotiates the same format (OpenAI `audio/pcmu`) gets Twilio's bytes untouched, and any other
 * engine gets PCM through the runtime's converter.
 *
 * - Outbound audio goes through {@link TwilioPlayout} (20 ms frames, a mark per frame); acknowledged
 *   marks become `playback` events, so `capabilities.playbackReports` is true and the runtime truncates
 *   at what the phone actually played.
 * - `clear()` sends Twilio `clear` at once and starts a new generation.
 * - Caller events that arrive while the connector is still starting the call are held (audio bounded
 *   by `maxHeldAudioMs`, oldest dropped) and delivered in order once it accepts.
 * - Twilio has no channel for notices (transcripts, errors): `notify` sends nothing. The server sends
 *   Twilio nothing but `media`, `mark` and `clear`.
 * - `close()` lets the phone play what is queued (bounded by `closeDrainMs`), then closes the socket,
 *   which ends the `<Connect>` verb.
 */
import { durationMs, sameFormat, type AudioChunk, type AudioFormat } from '../../audio/format.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { TypedEmitter } from '../../core/typed-emitter.ts';
import type { CallerNotice, CallTransport, TransportCapabilities, TransportEvent } from '../../runtime/ports.ts';
import { TWILIO_AUDIO_FORMAT } from './twilio-messages.ts';
import type { TwilioPlayout } from './twilio-playout.ts';

/** Non-audio events held while the call starts (marks, DTMF); more are dropped. */
const MAX_HELD_EVENTS = 256;

export interface TwilioCallTransportParams {
  readonly callId: string;
  readonly playout: TwilioPlayout;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxHeldAudioMs: number;
  readonly closeDrainMs: number;
  /** Closes the WebSocket (the stream, and the `<Connect>` verb with it). */
  readonly closeSocket: (code: number, reason: string) => void;
  /** Called once, when the transport closes, whoever closes it. */
  readonly onClosed: (reason: string) => void;
}

type State = 'starting' | 'active' | 'closed';

export class TwilioCallTransport implements CallTransport {
  readonly events = new TypedEmitter<TransportEvent>();
  readonly capabilities: TransportCapabilities = Object.freeze({ playbackReports: true });
  readonly inputFormat: AudioFormat = TWILIO_AUDIO_FORMAT;
  readonly outputFormat: AudioFormat = TWILIO_AUDIO_FORMAT;
  readonly callId: string;
  readonly #params: TwilioCallTransportParams;
  readonly #playout: TwilioPlayout;
  #state: State = 'starting';
  #held: TransportEvent[] = [];
  #heldAudioMs = 0;
  #heldOther = 0;
  #droppedHeldMs = 0;
  /** Twilio still listens (no `stop`, socket open): queued audio can still play. */
  #peerLive = true;
  #closing: Promise<void> | null = null;
  /**
   * Set by the first `close()` before its work runs: with nothing left to play that work completes
   * synchronously, and the `onClosed` it ends with reads `closed` (the stream logs its counters then).
   */
  #closeRequested = false;

  constructor(params: TwilioCallTransportParams) {
    this.callId = params.callId;
    this.#params = params;
    this.#playout = params.playout;
  }

  get generation(): number {
    return this.#playout.generation;
  }

  get closed(): boolean {
    return this.#closeRequested;
  }

  sendAudio(itemId: string, chunk: AudioChunk): void {
    if (this.#closing !== null || !this.#peerLive || chunk.data.byteLength === 0) return;
    if (!sameFormat(chunk.format, TWILIO_AUDIO_FORMAT)) {
      this.#params.logger.error({ itemId, format: chunk.format }, 'dropping assistant audio that is not μ-law 8 kHz');
      return;
    }
    this.#playout.push(itemId, chunk.data);
  }

  clear(): void {
    if (this.#closing !== null) return;
    this.#playout.clear();
  }

  notify(notice: CallerNotice): void {
    // A phone line has no channel for notices; errors are visible in the logs and the call record.
    if (notice.type === 'error') this.#params.logger.debug({ code: notice.code }, 'error notice not sent to Twilio');
  }

  close(reason: string): Promise<void> {
    this.#closeRequested = true;
    this.#closing ??= this.#close(reason);
    return this.#closing;
  }

  // ─── Used by the stream ──────────────────────────────────────────────────────────────────────────

  /** Delivers a caller event: held while starting, emitted while active, dropped once closed. */
  deliver(event: TransportEvent): void {
    if (this.#state === 'closed' || this.#closing !== null) return;
    if (this.#state === 'starting') {
      this.#hold(event);
      return;
    }
    this.#emit(event);
  }

  /** A mark echo from Twilio; emits the playback position it proves, if any. */
  markEchoed(name: string): void {
    const position = this.#playout.ack(name);
    if (position === null) return;
    this.deliver({ type: 'playback', atMs: this.#params.clock.nowMs(), ...position });
  }

  /** The connector accepted the call: held events go out in order, later ones straight through. */
  activate(): void {
    if (this.#state !== 'starting') return;
    this.#state = 'active';
    if (this.#droppedHeldMs > 0) {
      this.#params.logger.warn({ droppedMs: Math.round(this.#droppedHeldMs) }, 'caller audio before the call started exceeded the hold limit');
    }
    const held = this.#held;
    this.#held = [];
    for (const event of held) {
      if (this.closed) return;
      this.#emit(event);
    }
  }

  /** Twilio stopped the stream or the socket closed: nothing queued will play any more. */
  peerGone(): void {
    this.#peerLive = false;
    this.#playout.dispose();
  }

  #hold(event: TransportEvent): void {
    if (event.type === 'caller_audio') {
      this.#held.push(event);
      this.#heldAudioMs += durationMs(event.chunk.format, event.chunk.data.byteLength);
      while (this.#heldAudioMs > this.#params.maxHeldAudioMs) {
        const index = this.#held.findIndex((held) => held.type === 'caller_audio');
        const oldest = this.#held[index];
        if (oldest?.type !== 'caller_audio') break;
        this.#held.splice(index, 1);
        const ms = durationMs(oldest.chunk.format, oldest.chunk.data.byteLength);
        this.#heldAudioMs -= ms;
        this.#droppedHeldMs += ms;
      }
      return;
    }
    if (event.type !== 'hangup' && this.#heldOther >= MAX_HELD_EVENTS) return;
    this.#heldOther += 1;
    this.#held.push(event);
  }

  #emit(event: TransportEvent): void {
    try {
      this.events.emit(event);
    } catch (error) {
      this.#params.logger.error({ err: error, event: event.type }, 'a transport event listener threw');
    }
  }

  async #close(reason: string): Promise<void> {
    this.#playout.flushTail();
    if (this.#peerLive && this.#playout.unplayedMs > 0) await this.#drain();
    this.#state = 'closed';
    this.#held = [];
    this.#playout.dispose();
    this.events.removeAll();
    if (this.#peerLive) this.#params.closeSocket(1000, 'call ended');
    this.#params.onClosed(reason);
  }

  /** Waits until the phone has played what is queued, a stop or socket close, or `closeDrainMs`. */
  async #drain(): Promise<void> {
    let cancel: () => void = () => undefined;
    const timedOut = new Promise<void>((resolve) => {
      cancel = this.#params.clock.setTimer(Math.min(this.#params.closeDrainMs, this.#playout.unplayedMs + 1000), resolve);
    });
    await Promise.race([this.#playout.whenPlayed(), timedOut]);
    cancel();
  }
}
