/**
 * One call between a caller-side transport and an engine. The session owns everything the call opens
 * (an AbortController, the engine session, timers, listeners, tool runs) and releases all of it when
 * the call ends, whatever ends it: the caller, the time limit, a fatal error or `end()` from outside.
 *
 * Life: `created` → `start()` → `active` → `end()` → `ending` → `ended` | `failed` | `expired`.
 * `start()` and `end()` never reject: expected failures (the engine cannot connect, the caller hangs
 * up) end the call with a status and a reason.
 */
import type { AudioConverter } from '../audio/converter.ts';
import { durationMs, type AudioFormat } from '../audio/format.ts';
import type { CallStatusValue } from '../core/call-lifecycle.ts';
import { AppError, isAppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { AudioObservers } from './audio-observers.ts';
import { converterBetween, InboundAudio } from './audio-paths.ts';
import { CallMetrics } from './call-metrics.ts';
import {
  defaultCallSessionOptions,
  type CallAudioPlan,
  type CallEndResult,
  type CallEndStatus,
  type CallSessionDeps,
  type CallSessionOptions,
} from './call-settings.ts';
import { Conversation } from './conversation.ts';
import { startDurationLimit, warningInstructions } from './duration-limit.ts';
import type { EngineSession, TransportEvent } from './ports.ts';
import { SinkWriter } from './sink-writer.ts';
import { Transcript } from './transcript.ts';

export {
  defaultCallSessionOptions,
  type AgentSettings,
  type CallAudioPlan,
  type CallEndResult,
  type CallEndStatus,
  type CallSessionDeps,
  type CallSessionOptions,
} from './call-settings.ts';

/** One call's runtime. Construct, `start()`, and let it run; `end()` from anywhere, any number of times. */
export class CallSession {
  readonly #deps: CallSessionDeps;
  readonly #options: CallSessionOptions;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  readonly #writer: SinkWriter;
  readonly #metrics = new CallMetrics();
  readonly #transcript: Transcript;
  readonly #observers: AudioObservers;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #ended: Promise<CallEndResult>;
  #resolveEnded: (result: CallEndResult) => void = () => undefined;
  #status: CallStatusValue = 'created';
  #starting: Promise<void> | null = null;
  #opening: Promise<EngineSession | null> = Promise.resolve(null);
  #ending: Promise<CallEndResult> | null = null;
  #audioPlan: CallAudioPlan | null = null;
  #inbound: InboundAudio | null = null;
  #outboundConverter: AudioConverter | null = null;
  #conversation: Conversation | null = null;
  #stopDurationLimit: () => void = () => undefined;

  /** Does no I/O: nothing happens until `start()`. */
  constructor(deps: CallSessionDeps) {
    this.#deps = deps;
    this.#options = { ...defaultCallSessionOptions, ...deps.options };
    this.#logger = deps.logger.child({ callId: deps.callId, engine: deps.engine.name });
    this.#writer = new SinkWriter(this.#logger, deps.writePacer);
    this.#transcript = new Transcript({ sink: deps.sink, writer: this.#writer, firstSeq: this.#options.firstSeq });
    this.#observers = new AudioObservers(deps.observers ?? [], this.#logger);
    this.#ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  get callId(): string {
    return this.#deps.callId;
  }

  get status(): CallStatusValue {
    return this.#status;
  }

  /** Resolves once the call has ended and everything it held is released. */
  get ended(): Promise<CallEndResult> {
    return this.#ended;
  }

  /** The negotiated formats, once `start()` has run. */
  get audioPlan(): CallAudioPlan | null {
    return this.#audioPlan;
  }

  /**
   * Negotiates formats, opens the engine session (buffering caller audio meanwhile), marks the call
   * active and tells the caller. Resolves when the call is live, or has ended because the engine could
   * not be opened. Calling it again returns the same promise.
   */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /**
   * Ends the call: stores the turn in progress, finishes the call record, tells the caller, closes the
   * engine, then the transport. Idempotent: every call returns the same promise, and the first
   * reason and status win.
   */
  end(reason: string, status: CallEndStatus = 'ended'): Promise<CallEndResult> {
    this.#ending ??= this.#finish(reason, status);
    return this.#ending;
  }

  /** Resolves once queued sink writes and running tool calls have settled (for tests and shutdown). */
  async whenIdle(): Promise<void> {
    await this.#conversation?.idle();
    await this.#writer.drain();
  }

  async #start(): Promise<void> {
    if (this.#status !== 'created') return;
    const { engine, transport } = this.#deps;
    let formats: { readonly input: AudioFormat; readonly output: AudioFormat };
    try {
      formats = engine.negotiateFormats({ input: transport.inputFormat, output: transport.outputFormat });
      this.#prepareAudio(formats.input, formats.output);
    } catch (error) {
      this.#failStart(error, 'unsupported_audio_format');
      return;
    }
    this.#unsubscribe.push(
      transport.events.onAny((event) => {
        this.#onTransportEvent(event);
      }),
    );
    this.#opening = this.#openEngine(formats.input, formats.output);
    const session = await this.#opening;
    if (session === null || this.#ending !== null) return;
    this.#activate(session);
  }

  #prepareAudio(engineInput: AudioFormat, engineOutput: AudioFormat): void {
    const { transport } = this.#deps;
    const inbound = converterBetween(transport.inputFormat, engineInput);
    this.#outboundConverter = converterBetween(engineOutput, transport.outputFormat);
    this.#audioPlan = {
      engineInput,
      engineOutput,
      convertsInput: inbound !== null,
      convertsOutput: this.#outboundConverter !== null,
    };
    this.#inbound = new InboundAudio({
      converter: inbound,
      engineFormat: engineInput,
      bufferLimitMs: this.#options.preOpenBufferMs,
      logger: this.#logger,
    });
  }

  async #openEngine(inputFormat: AudioFormat, outputFormat: AudioFormat): Promise<EngineSession | null> {
    const { engine, agent, callId, clock } = this.#deps;
    const config = {
      callId,
      instructions: agent.instructions,
      voice: agent.voice,
      language: agent.language,
      tools: agent.tools,
      inputFormat,
      outputFormat,
      options: agent.engineOptions,
      history: this.#deps.history ?? [],
      logger: this.#logger,
      clock,
    };
    try {
      return await engine.open(config, this.#abort.signal);
    } catch (error) {
      // Aborted because the call is already ending: not a failure of the engine.
      if (!this.#abort.signal.aborted) this.#failStart(error, 'engine_unavailable');
      return null;
    }
  }

  #failStart(error: unknown, reason: string): void {
    const appError = isAppError(error) ? error : new AppError('internal_error', 'The call could not start', { cause: error });
    this.#logger.error({ err: error, code: appError.code }, 'call could not start');
    this.#deps.transport.notify({ type: 'error', code: appError.code, message: appError.message, recoverable: false });
    void this.end(reason, 'failed');
  }

  #activate(session: EngineSession): void {
    const { clock, transport, sink, agent, engine } = this.#deps;
    const startedAtMs = clock.nowMs();
    this.#status = 'active';
    this.#conversation = new Conversation({
      clock,
      logger: this.#logger,
      transport,
      engine: session,
      capabilities: engine.capabilities,
      sink,
      writer: this.#writer,
      metrics: this.#metrics,
      transcript: this.#transcript,
      outboundConverter: this.#outboundConverter,
      tools: agent.tools,
      toolRunner: this.#deps.toolRunner,
      toolTimeoutMs: this.#options.toolTimeoutMs,
      signal: this.#abort.signal,
      startedAtMs,
      turnDetector: this.#options.turnDetector,
      observers: this.#observers,
      fail: (reason) => {
        void this.end(reason, 'failed');
      },
    });
    const conversation = this.#conversation;
    this.#unsubscribe.push(
      session.events.onAny((event) => {
        conversation.handleEngineEvent(event);
      }),
    );
    this.#inbound?.attach(session);
    void this.#writer.enqueue('markActive', () => sink.markActive(startedAtMs));
    transport.notify({ type: 'call_started', callId: this.#deps.callId });
    this.#stopDurationLimit = startDurationLimit(clock, agent, {
      onWarning: (remainingS) => {
        this.#warn(session, remainingS);
      },
      onLimit: () => {
        void this.end('max_duration');
      },
    });
  }

  #warn(session: EngineSession, remainingS: number): void {
    const { agent, sink, clock } = this.#deps;
    session.say(warningInstructions(agent.warningMessage, remainingS, agent.language));
    const atMs = clock.nowMs();
    void this.#writer.enqueue('appendEvent', () => sink.appendEvent('duration_warning', { remainingS }, atMs));
  }

  #onTransportEvent(event: TransportEvent): void {
    switch (event.type) {
      case 'caller_audio':
        this.#onCallerAudio(event);
        break;
      case 'playback':
        this.#conversation?.handlePlayback(event);
        break;
      case 'dtmf':
        this.#record('dtmf', { digit: event.digit });
        break;
      case 'hangup':
        this.#record('caller_hangup', { reason: event.reason });
        // The transport's own reason (caller_ended, caller_disconnected, server_shutdown, twilio_stop, …) is the call's end reason.
        void this.end(event.reason);
        break;
      case 'error':
        this.#onTransportError(event);
        break;
      default: {
        const unknown: never = event;
        this.#logger.debug({ event: unknown }, 'unknown transport event ignored');
      }
    }
  }

  #onCallerAudio(event: Extract<TransportEvent, { type: 'caller_audio' }>): void {
    const { chunk } = event;
    this.#metrics.recordInputAudio(durationMs(chunk.format, chunk.data.length));
    this.#observers.callerAudio(chunk, event.atMs);
    try {
      this.#inbound?.receive(chunk);
      this.#conversation?.handleCallerAudio(chunk, event.atMs);
    } catch (error) {
      this.#logger.warn({ err: error }, 'caller audio dropped');
    }
  }

  #onTransportError(event: Extract<TransportEvent, { type: 'error' }>): void {
    this.#logger.warn({ err: event.error, code: event.error.code, recoverable: event.recoverable }, 'transport error');
    this.#record('transport_error', { code: event.error.code, recoverable: event.recoverable });
    if (!event.recoverable) void this.end('transport_failed', 'failed');
  }

  #record(type: string, data: Record<string, unknown>): void {
    const atMs = this.#deps.clock.nowMs();
    void this.#writer.enqueue('appendEvent', () => this.#deps.sink.appendEvent(type, data, atMs));
  }

  async #finish(reason: string, status: CallEndStatus): Promise<CallEndResult> {
    this.#status = 'ending';
    const endedAtMs = this.#deps.clock.nowMs();
    this.#release();
    const session = await this.#opening;
    try {
      await this.#conversation?.settle();
    } catch (error) {
      // A bug here must not keep the call from ending: the turns already written are safe.
      this.#logger.error({ err: error }, 'storing the turn in progress failed');
    }
    // Observers (a recording being finalised) close alongside the engine, before the call is reported ended.
    await Promise.all([
      this.#closeQuietly('engine', () => session?.close()),
      this.#closeQuietly('audio observers', () => this.#observers.close(endedAtMs)),
    ]);
    const atMs = this.#deps.clock.nowMs();
    const finish = { status, reason, usage: this.#metrics.usage(), latency: this.#metrics.latency(), atMs };
    void this.#writer.enqueue('finish', () => this.#deps.sink.finish(finish));
    await this.#writer.drain();
    this.#notifyEnded(status, reason);
    await this.#closeQuietly('transport', () => this.#deps.transport.close(reason));
    this.#status = status;
    this.#logger.info({ status, reason }, 'call ended');
    const result = { status, reason };
    this.#resolveEnded(result);
    return result;
  }

  /** Closes an adapter; a failure is logged and a close that hangs is given up after `closeTimeoutMs`. */
  async #closeQuietly(what: string, close: () => Promise<void> | undefined): Promise<void> {
    let cancelTimer = (): void => undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      cancelTimer = this.#deps.clock.setTimer(this.#options.closeTimeoutMs, () => {
        resolve('timeout');
      });
    });
    try {
      const outcome = await Promise.race([Promise.resolve(close()), timedOut]);
      if (outcome === 'timeout') this.#logger.warn({ what }, 'close timed out');
    } catch (error) {
      this.#logger.warn({ err: error, what }, 'close failed');
    } finally {
      cancelTimer();
    }
  }

  /** Stops everything that could still act on the call: timers, listeners, tools, a pending open. */
  #release(): void {
    this.#stopDurationLimit();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#abort.abort();
    this.#inbound?.detach();
  }

  #notifyEnded(status: CallEndStatus, reason: string): void {
    // The caller sees the conversation, not tool plumbing.
    const transcript = this.#transcript
      .turns()
      .filter((turn) => turn.role === 'user' || turn.role === 'assistant')
      .map((turn) => ({ role: turn.role, text: turn.text, interrupted: turn.interrupted }));
    try {
      this.#deps.transport.notify({ type: 'call_ended', callId: this.#deps.callId, status, reason, transcript });
    } catch (error) {
      this.#logger.warn({ err: error }, 'call_ended notice failed');
    }
  }
}
