/**
 * One Twilio media stream connection: validates every message, builds the call's transport on `start`
 * and hands it to the connector, feeds caller audio, DTMF, mark echoes and hang-ups to it, and pads
 * inbound stalls with silence. Knows nothing of `ws`: it reads text and writes through a
 * {@link TwilioSocket}, so it runs the same over a real socket and in tests.
 *
 * States: awaiting_start → starting (connector running; events held by the transport) → live →
 * stopped (Twilio's `stop`, the socket closed, the call refused, or the call closed the transport).
 * Bad messages are logged without payloads, counted, and dropped; they never end the stream.
 */
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { StartCallResult } from '../shared/call-connector.ts';
import { SilencePadder } from './silence-padder.ts';
import { TwilioCallTransport } from './twilio-call-transport.ts';
import type { TwilioCallConnector } from './twilio-connector.ts';
import type { TwilioStreamLimits } from './twilio-limits.ts';
import {
  parseTwilioMessage,
  TWILIO_AUDIO_FORMAT,
  TWILIO_CALL_ID_PARAMETER,
  TWILIO_STREAM_TOKEN_PARAMETER,
  TwilioOutbound,
  type TwilioInbound,
  type TwilioMessageError,
} from './twilio-messages.ts';
import { TwilioPlayout, type PlayoutStats } from './twilio-playout.ts';

/** The sending half of the connection. Methods never throw; `send` is a no-op once the socket is closed. */
export interface TwilioSocket {
  send(text: string): void;
  /**
   * Runs `run`; the messages it sends leave in one write (one system call) instead of one each.
   * A chunk of assistant audio becomes several `media` + `mark` pairs, all due at once.
   */
  batch(run: () => void): void;
  close(code: number, reason: string): void;
}

/** Why the runtime sees a `hangup`. */
export type TwilioHangupReason = 'twilio_stop' | 'twilio_disconnected' | 'twilio_stream_timeout' | 'server_shutdown';

/** Counters of one stream, logged when it finishes. */
export interface TwilioStreamStats {
  mediaReceived: number;
  /** Inbound `sequenceNumber`s skipped (messages Twilio sent that never arrived). */
  sequenceGaps: number;
  badMessages: number;
  unknownEvents: number;
  paddedFrames: number;
  dtmf: number;
  outbound: PlayoutStats | null;
}

export interface TwilioMediaStreamParams {
  readonly socket: TwilioSocket;
  readonly connector: TwilioCallConnector;
  readonly limits: TwilioStreamLimits;
  readonly clock: Clock;
  /** The connection's logger (child with the connection id). */
  readonly logger: Logger;
  /** For the silence padder's check; see {@link SilencePadder}. Tests pass `(fn) => fn()`. */
  readonly defer?: (fn: () => void) => void;
}

/** Bad messages logged at `warn` per stream; later ones at `debug` (they are all counted). */
const WARNED_BAD_MESSAGES = 3;

type StartMessage = Extract<TwilioInbound, { event: 'start' }>;

type State =
  | { readonly kind: 'awaiting_start' }
  | { readonly kind: 'starting' | 'live'; readonly streamSid: string; readonly transport: TwilioCallTransport }
  | { readonly kind: 'stopped'; readonly transport: TwilioCallTransport | null };

export class TwilioMediaStream {
  readonly stats: TwilioStreamStats = { mediaReceived: 0, sequenceGaps: 0, badMessages: 0, unknownEvents: 0, paddedFrames: 0, dtmf: 0, outbound: null };
  readonly #params: TwilioMediaStreamParams;
  #logger: Logger;
  readonly #padder: SilencePadder;
  #state: State = { kind: 'awaiting_start' };
  #lastSequence = 0;
  #hangupReason: TwilioHangupReason | null = null;
  #cancelGrace: () => void = () => undefined;
  #cancelStartTimer: () => void;
  #finished = false;

  constructor(params: TwilioMediaStreamParams) {
    this.#params = params;
    this.#logger = params.logger;
    this.#padder = new SilencePadder({
      clock: params.clock,
      stallMs: params.limits.stallMs,
      timeoutMs: params.limits.inboundTimeoutMs,
      onSilence: (frame) => {
        this.stats.paddedFrames += 1;
        this.#deliverAudio(frame);
      },
      onTimeout: () => {
        this.#logger.warn({ timeoutMs: params.limits.inboundTimeoutMs }, 'twilio stream silent; hanging up');
        this.#stop('twilio_stream_timeout');
        params.socket.close(1001, 'stream timeout');
      },
      ...(params.defer === undefined ? {} : { defer: params.defer }),
    });
    this.#cancelStartTimer = params.clock.setTimer(params.limits.inboundTimeoutMs, () => {
      if (this.#state.kind !== 'awaiting_start') return;
      this.#logger.warn('no twilio start message in time; closing');
      this.#state = { kind: 'stopped', transport: null };
      params.socket.close(1008, 'no start');
    });
  }

  /** The call's transport, once `start` has arrived. */
  get transport(): TwilioCallTransport | null {
    return this.#state.kind === 'awaiting_start' ? null : this.#state.transport;
  }

  get state(): State['kind'] {
    return this.#state.kind;
  }

  /** One text frame from Twilio. Never throws. */
  receive(text: string): void {
    try {
      const parsed = parseTwilioMessage(text, this.#params.limits.maxMessageBytes);
      if (parsed.ok) this.#dispatch(parsed.value);
      else this.#bad(parsed.error);
    } catch (error) {
      this.#logger.error({ err: error }, 'twilio message handler failed');
    }
  }

  /** A binary frame: Twilio never sends one. */
  receiveBinary(): void {
    this.#bad({ reason: 'binary_frame', event: null, detail: 'binary frame' });
  }

  /** The socket closed (Twilio hung up without `stop`, or the network dropped). Idempotent. */
  socketClosed(): void {
    this.#stop('twilio_disconnected');
    this.#finish();
  }

  /** The server is shutting down: the call hangs up and the socket closes. */
  shutdown(): void {
    this.#stop('server_shutdown');
    this.#params.socket.close(1001, 'server shutting down');
  }

  #dispatch(message: TwilioInbound): void {
    switch (message.event) {
      case 'connected':
        this.#padder.messageArrived();
        return;
      case 'start':
        this.#onStart(message);
        return;
      case 'media':
        this.#onMedia(message);
        return;
      case 'mark':
        this.#transportFor(message)?.markEchoed(message.name);
        return;
      case 'dtmf':
        this.#onDtmf(message);
        return;
      case 'stop':
        if (this.#transportFor(message) !== null) this.#stop('twilio_stop');
        return;
      case 'unknown':
        this.stats.unknownEvents += 1;
        this.#logger.debug({ event: message.name }, 'unknown twilio event ignored');
        return;
    }
  }

  #onStart(message: StartMessage): void {
    if (this.#state.kind !== 'awaiting_start') {
      this.#bad({ reason: 'invalid_fields', event: 'start', detail: 'second start' });
      return;
    }
    this.#cancelStartTimer();
    this.#padder.messageArrived();
    this.#lastSequence = message.sequenceNumber;
    const callId = message.customParameters[TWILIO_CALL_ID_PARAMETER] ?? '';
    const streamToken = message.customParameters[TWILIO_STREAM_TOKEN_PARAMETER] ?? '';
    this.#logger = this.#logger.child({ callSid: message.callSid, streamSid: message.streamSid, ...(callId === '' ? {} : { callId: callId.slice(0, 64) }) });
    if (callId === '' || streamToken === '') {
      this.#logger.warn({ missing: callId === '' ? TWILIO_CALL_ID_PARAMETER : TWILIO_STREAM_TOKEN_PARAMETER }, 'twilio stream refused: parameter missing');
      this.#state = { kind: 'stopped', transport: null };
      this.#params.socket.close(1008, 'call refused');
      return;
    }
    const transport = this.#createTransport(message.streamSid, callId);
    this.#state = { kind: 'starting', streamSid: message.streamSid, transport };
    const { callSid, streamSid, accountSid, customParameters } = message;
    this.#params.connector
      .startTwilioCall({ callId, streamToken, callSid, streamSid, accountSid, customParameters, transport })
      .catch((error: unknown): StartCallResult => {
        this.#logger.error({ err: error }, 'the twilio call connector failed');
        return { ok: false, code: 'internal_error', message: 'The call could not be started' };
      })
      .then((result) => {
        this.#onStarted(transport, result);
      })
      .catch((error: unknown) => {
        this.#logger.error({ err: error }, 'starting the twilio call failed unexpectedly');
      });
  }

  #createTransport(streamSid: string, callId: string): TwilioCallTransport {
    const { socket, clock, limits } = this.#params;
    const playout = new TwilioPlayout({
      send: (text) => {
        socket.send(text);
      },
      batch: (run) => {
        socket.batch(run);
      },
      outbound: new TwilioOutbound(streamSid),
      clock,
      tailFlushMs: limits.tailFlushMs,
    });
    this.stats.outbound = playout.stats;
    const transport: TwilioCallTransport = new TwilioCallTransport({
      callId,
      playout,
      clock,
      logger: this.#logger,
      maxHeldAudioMs: limits.maxHeldAudioMs,
      closeDrainMs: limits.closeDrainMs,
      closeSocket: (code, reason) => {
        socket.close(code, reason);
      },
      onClosed: () => {
        this.#onTransportClosed(transport);
      },
    });
    return transport;
  }

  #onStarted(transport: TwilioCallTransport, result: StartCallResult): void {
    if (!result.ok) {
      this.#logger.info({ code: result.code }, 'twilio call refused');
      const wasStarting = this.#state.kind === 'starting' && this.#state.transport === transport;
      if (wasStarting) this.#state = { kind: 'stopped', transport };
      transport.peerGone();
      void transport.close('start_failed');
      this.#params.socket.close(1008, 'call refused');
      return;
    }
    const state = this.#state;
    if (state.kind === 'starting' && state.transport === transport) {
      this.#state = { kind: 'live', streamSid: state.streamSid, transport };
      this.#logger.info('twilio call started');
      this.#padder.start();
    }
    // Held events (and a hang-up that came while starting) go out now, in order.
    transport.activate();
    if (this.#hangupReason !== null) this.#armGrace(transport, this.#hangupReason);
  }

  #onMedia(message: Extract<TwilioInbound, { event: 'media' }>): void {
    const transport = this.#transportFor(message);
    if (transport === null) return;
    if (message.track !== 'inbound') return;
    if (message.payload.byteLength === 0) {
      this.#bad({ reason: 'invalid_fields', event: 'media', detail: 'empty payload' });
      return;
    }
    this.stats.mediaReceived += 1;
    this.#padder.mediaArrived();
    this.#deliverAudio(message.payload);
  }

  #onDtmf(message: Extract<TwilioInbound, { event: 'dtmf' }>): void {
    const transport = this.#transportFor(message);
    if (transport === null) return;
    this.stats.dtmf += 1;
    transport.deliver({ type: 'dtmf', atMs: this.#params.clock.nowMs(), digit: message.digit });
  }

  #deliverAudio(data: Uint8Array): void {
    const state = this.#state;
    if (state.kind !== 'starting' && state.kind !== 'live') return;
    state.transport.deliver({ type: 'caller_audio', atMs: this.#params.clock.nowMs(), chunk: { format: TWILIO_AUDIO_FORMAT, data } });
  }

  /**
   * The transport of the stream a sequenced message belongs to, or null (counted as bad) when there
   * is no live stream or it names another one. Also proves the stream alive and counts sequence gaps.
   */
  #transportFor(message: { readonly event: string; readonly streamSid: string; readonly sequenceNumber: number }): TwilioCallTransport | null {
    const state = this.#state;
    if (state.kind !== 'starting' && state.kind !== 'live') {
      this.#bad({ reason: 'invalid_fields', event: message.event, detail: state.kind === 'awaiting_start' ? 'before start' : 'after stop' });
      return null;
    }
    if (message.streamSid !== state.streamSid) {
      this.#bad({ reason: 'invalid_fields', event: message.event, detail: 'streamSid of another stream' });
      return null;
    }
    if (message.event !== 'media') this.#padder.messageArrived();
    if (message.sequenceNumber > this.#lastSequence + 1) this.stats.sequenceGaps += message.sequenceNumber - this.#lastSequence - 1;
    this.#lastSequence = Math.max(this.#lastSequence, message.sequenceNumber);
    return state.transport;
  }

  /** The caller is gone: padding stops and the runtime gets one `hangup` (held if the call is still starting). */
  #stop(reason: TwilioHangupReason): void {
    this.#padder.stop();
    this.#cancelStartTimer();
    const state = this.#state;
    if (state.kind === 'awaiting_start') {
      this.#state = { kind: 'stopped', transport: null };
      return;
    }
    if (state.kind === 'stopped' || this.#hangupReason !== null) return;
    this.#hangupReason = reason;
    this.#state = { kind: 'stopped', transport: state.transport };
    state.transport.peerGone();
    state.transport.deliver({ type: 'hangup', atMs: this.#params.clock.nowMs(), reason });
    // While starting, the hang-up waits in the transport; the grace period starts once it is delivered.
    if (state.kind === 'live') this.#armGrace(state.transport, reason);
  }

  /** Closes the call ourselves if the runtime has not, `hangupGraceMs` after the hang-up reached it. */
  #armGrace(transport: TwilioCallTransport, reason: TwilioHangupReason): void {
    if (transport.closed) return;
    this.#cancelGrace = this.#params.clock.setTimer(this.#params.limits.hangupGraceMs, () => {
      this.#logger.warn({ reason }, 'the call did not close after twilio hung up; closing it');
      void transport.close(reason);
    });
  }

  #onTransportClosed(transport: TwilioCallTransport): void {
    this.#cancelGrace();
    this.#padder.stop();
    const state = this.#state;
    if ((state.kind === 'starting' || state.kind === 'live') && state.transport === transport) this.#state = { kind: 'stopped', transport };
    this.#finish();
  }

  /** Logs the stream's counters once, when the call is done with it (or the socket closed without a call). */
  #finish(): void {
    if (this.#finished) return;
    const transport = this.transport;
    if (transport !== null && !transport.closed) return;
    this.#finished = true;
    this.#logger.info({ stats: this.stats }, 'twilio stream finished');
  }

  #bad(error: TwilioMessageError): void {
    this.stats.badMessages += 1;
    const fields = { reason: error.reason, event: error.event, detail: error.detail, count: this.stats.badMessages };
    if (this.stats.badMessages <= WARNED_BAD_MESSAGES) this.#logger.warn(fields, 'bad twilio message dropped');
    else this.#logger.debug(fields, 'bad twilio message dropped');
  }
}
