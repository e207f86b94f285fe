/**
 * The protocol-neutral life of one realtime connection: at most one call at a time, started through
 * the `CallConnector`, fed with the caller's validated audio, playback reports and hang-ups. Wire
 * adapters parse their own messages and call these methods; nothing here throws at them.
 *
 * States: idle → starting (connector running; caller events held) → active → ending (hang-up sent,
 * waiting for the runtime to close the transport) → idle. A closed connection stays in whatever
 * state it was, marked gone, until the runtime closes the call.
 */
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { TransportEvent } from '../../runtime/ports.ts';
import type { CallConnector, CallerIdentity, StartCallResult } from './call-connector.ts';
import type { EndRequest, PlaybackReport, StartRequest } from './inbound-messages.ts';
import { TokenBucket } from './token-bucket.ts';
import type { TransportLimits } from './transport-limits.ts';
import { WireCallTransport } from './wire-call-transport.ts';
import type { CallWire, ConnectionWire, WireError } from './wire.ts';

/** Playback reports held while a call starts; more are dropped (the runtime only needs the latest). */
const MAX_PENDING_REPORTS = 64;

/** Why the runtime sees a `hangup`. */
export type HangupReason = 'caller_ended' | 'caller_disconnected' | 'server_shutdown';

type State =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'starting';
      readonly transport: WireCallTransport;
      readonly pending: TransportEvent[];
      pendingAudioBytes: number;
      pendingReports: number;
      /** Set when the caller hung up before the call started; delivered after the held events. */
      hangupReason: HangupReason | null;
    }
  | { readonly kind: 'active'; readonly transport: WireCallTransport }
  | { readonly kind: 'ending'; readonly transport: WireCallTransport; readonly cancelGrace: () => void };

export interface CallerConnectionParams {
  readonly identity: CallerIdentity;
  readonly connector: CallConnector;
  readonly wire: ConnectionWire;
  readonly limits: TransportLimits;
  readonly clock: Clock;
  /** The connection's logger (child with the connection id). */
  readonly logger: Logger;
}

export class CallerConnection {
  readonly #params: CallerConnectionParams;
  readonly #audioBudget: TokenBucket;
  readonly #errorBudget: TokenBucket;
  #state: State = { kind: 'idle' };
  #gone = false;

  constructor(params: CallerConnectionParams) {
    this.#params = params;
    const { limits, clock } = params;
    this.#audioBudget = new TokenBucket({ ratePerSecond: limits.maxAudioBytesPerSecond, capacity: 2 * limits.maxAudioBytesPerSecond, clock });
    this.#errorBudget = new TokenBucket({ ratePerSecond: limits.errorsPerSecond, capacity: 4 * limits.errorsPerSecond, clock });
  }

  /** The call bound to this connection (starting, active or ending), if any. */
  get callId(): string | null {
    return this.#state.kind === 'idle' ? null : this.#state.transport.callId;
  }

  /** The caller asked to start a call; `openWire` builds the call's sending half once the request is accepted. */
  start(request: StartRequest, openWire: () => CallWire): void {
    if (this.#gone) return;
    if (this.#state.kind !== 'idle') {
      const { callId } = this.#state.transport;
      const message =
        this.#state.kind === 'ending'
          ? `Call ${callId} is still ending on this connection; wait for it to end before starting another`
          : `Call ${callId} is already running on this connection; end it before starting another`;
      this.reportError({ code: 'call_in_progress', message, recoverable: true });
      return;
    }
    const logger = this.#params.logger.child({ callId: request.callId });
    const transport: WireCallTransport = new WireCallTransport({
      request,
      wire: openWire(),
      clock: this.#params.clock,
      logger,
      onClosed: (reason) => {
        this.#onTransportClosed(transport, reason);
      },
    });
    this.#state = { kind: 'starting', transport, pending: [], pendingAudioBytes: 0, pendingReports: 0, hangupReason: null };
    this.#runStart(transport, logger).catch((error: unknown) => {
      logger.error({ err: error }, 'starting the call failed unexpectedly');
    });
  }

  /** A validated PCM16 frame from the caller. */
  audio(data: Uint8Array): void {
    const state = this.#state;
    if (this.#gone || state.kind === 'ending') return;
    if (state.kind === 'idle') {
      this.reportError({ code: 'call_not_active', message: `No call is running on this connection; send ${this.#params.wire.messageNames.start} first`, recoverable: true });
      return;
    }
    if (!this.#audioBudget.take(data.byteLength)) {
      this.reportError({
        code: 'rate_limited',
        message: `Audio arrives faster than ${this.#params.limits.maxAudioBytesPerSecond} bytes/s; frame dropped`,
        recoverable: true,
      });
      return;
    }
    const event: TransportEvent = { type: 'caller_audio', atMs: this.#params.clock.nowMs(), chunk: { format: state.transport.inputFormat, data } };
    if (state.kind === 'active') {
      state.transport.deliver(event);
      return;
    }
    if (state.hangupReason !== null || state.pendingAudioBytes + data.byteLength > this.#params.limits.maxPendingAudioBytes) {
      this.#params.logger.debug({ bytes: data.byteLength }, 'dropping caller audio while the call starts');
      return;
    }
    state.pendingAudioBytes += data.byteLength;
    state.pending.push(event);
  }

  /** A validated playback report from the caller. */
  playback(report: PlaybackReport): void {
    const state = this.#state;
    if (this.#gone || state.kind === 'ending') return;
    if (state.kind === 'idle') {
      this.reportError({ code: 'call_not_active', message: 'No call is running on this connection; playback reports need a call', recoverable: true });
      return;
    }
    const generation = this.#reportGeneration(state.transport, report);
    if (generation === null) return;
    const event: TransportEvent = { type: 'playback', atMs: this.#params.clock.nowMs(), itemId: report.itemId, playedMs: report.playedMs, generation };
    if (state.kind === 'active') {
      state.transport.deliver(event);
    } else if (state.hangupReason === null && state.pendingReports < MAX_PENDING_REPORTS) {
      state.pendingReports += 1;
      state.pending.push(event);
    }
  }

  /** The caller asked to end the call. Idempotent while the call is ending. */
  end(request: EndRequest): void {
    const state = this.#state;
    if (this.#gone || state.kind === 'ending') return;
    if (state.kind === 'idle') {
      this.reportError({ code: 'call_not_active', message: 'No call is running on this connection', recoverable: true });
      return;
    }
    if (request.callId !== null && request.callId !== state.transport.callId) {
      this.reportError({
        code: 'call_not_active',
        message: `${this.#params.wire.messageNames.end} names call ${request.callId}, but the call on this connection is ${state.transport.callId}`,
        recoverable: true,
      });
      return;
    }
    this.#hangup(state, 'caller_ended');
  }

  /** The connection closed (or the server is shutting down): the call, if any, hangs up. Idempotent. */
  disconnected(reason: HangupReason): void {
    if (this.#gone) return;
    this.#gone = true;
    const state = this.#state;
    if (state.kind === 'starting' || state.kind === 'active') this.#hangup(state, reason);
  }

  /**
   * Sends an `error` event. Recoverable errors spend the connection's error budget, so a client
   * sending garbage is not echoed at line rate; a non-recoverable one (the call is over) always goes out.
   */
  reportError(error: WireError): void {
    if (this.#gone) return;
    if (error.recoverable && !this.#errorBudget.take()) {
      this.#params.logger.debug({ code: error.code }, 'error event dropped: error budget spent');
      return;
    }
    this.#params.logger.debug({ code: error.code, recoverable: error.recoverable }, 'error sent to caller');
    this.#params.wire.sendError(error);
  }

  #reportGeneration(transport: WireCallTransport, report: PlaybackReport): number | null {
    const known = transport.generationOfItem(report.itemId);
    if (report.generation === null) {
      if (known !== null) return known;
      this.reportError({ code: 'validation_failed', message: `playback report names item ${report.itemId}, for which this call sent no audio`, recoverable: true });
      return null;
    }
    if (report.generation > transport.generation) {
      this.reportError({
        code: 'validation_failed',
        message: `playback report carries generation ${report.generation}, newer than the call's ${transport.generation}`,
        recoverable: true,
      });
      return null;
    }
    return report.generation;
  }

  #hangup(state: Extract<State, { kind: 'starting' | 'active' }>, reason: HangupReason): void {
    if (state.kind === 'starting') {
      state.hangupReason ??= reason;
      return;
    }
    this.#enterEnding(state.transport, reason);
    state.transport.deliver({ type: 'hangup', atMs: this.#params.clock.nowMs(), reason });
  }

  #enterEnding(transport: WireCallTransport, reason: HangupReason): void {
    const cancelGrace = this.#params.clock.setTimer(this.#params.limits.hangupGraceMs, () => {
      this.#params.logger.warn({ callId: transport.callId, reason }, 'the call did not close after the caller hung up; closing it');
      void transport.close(reason);
    });
    this.#state = { kind: 'ending', transport, cancelGrace };
  }

  async #runStart(transport: WireCallTransport, logger: Logger): Promise<void> {
    let result: StartCallResult;
    try {
      result = await this.#params.connector.startCall({ callId: transport.callId, identity: this.#params.identity, transport });
    } catch (error) {
      logger.error({ err: error }, 'the call connector failed');
      result = { ok: false, code: 'internal_error', message: 'The call could not be started' };
    }
    const state = this.#state;
    const current = state.kind !== 'idle' && state.transport === transport;
    if (!result.ok) {
      logger.info({ code: result.code }, 'call start refused');
      if (current) this.#state = { kind: 'idle' };
      await transport.close('start_failed');
      this.reportError({ code: result.code, message: result.message, recoverable: false });
      return;
    }
    if (!current || state.kind !== 'starting') return;
    logger.info({ inputSampleRateHz: transport.inputFormat.sampleRateHz, outputSampleRateHz: transport.outputFormat.sampleRateHz }, 'call started');
    this.#state = { kind: 'active', transport };
    transport.announceStarted();
    for (const event of state.pending) {
      transport.deliver(event);
      if (transport.closed) return;
    }
    if (state.hangupReason !== null) {
      this.#enterEnding(transport, state.hangupReason);
      transport.deliver({ type: 'hangup', atMs: this.#params.clock.nowMs(), reason: state.hangupReason });
    }
  }

  #onTransportClosed(transport: WireCallTransport, reason: string): void {
    const state = this.#state;
    if (state.kind === 'idle' || state.transport !== transport) return;
    if (state.kind === 'ending') state.cancelGrace();
    this.#state = { kind: 'idle' };
    if (state.kind !== 'starting' && !this.#gone) this.#params.wire.callReleased(reason);
  }
}
