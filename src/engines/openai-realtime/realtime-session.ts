import type { RealtimeError, SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { sameFormat, type AudioChunk } from '../../audio/format.ts';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { TypedEmitter } from '../../core/typed-emitter.ts';
import type { EngineEvent, EngineSession, EngineSessionConfig } from '../../runtime/ports.ts';
import { appendAudioJson, functionCallOutput, responseCreate, seedItem, systemNote, truncateItem } from './client-events.ts';
import { isPermanentConnectError, type RealtimeConnection, type WebSocketConstructor } from './connection.ts';
import { ConversationLog, lastTurnIsUser } from './conversation-log.ts';
import { establishUpstream } from './establish.ts';
import { PendingAudio } from './pending-audio.ts';
import { isHarmlessError, toAppError } from './realtime-errors.ts';
import { backoffDelayMs, sleep, type ReconnectPolicy } from './reconnect-policy.ts';
import { ResponseGate } from './response-gate.ts';
import { handleServerEvent, type HandlerContext, type UnstampedEvent } from './server-event-handlers.ts';
import { buildSessionUpdate } from './session-update.ts';
import { serverInterruptsOnSpeech, type RealtimeSessionOptions } from './session-options.ts';
import { StreamState } from './stream-state.ts';

export interface RealtimeSessionParams {
  readonly url: string;
  readonly apiKey: string;
  readonly connectTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly reconnect: ReconnectPolicy;
  readonly WebSocketImpl: WebSocketConstructor;
  readonly config: EngineSessionConfig;
  readonly options: RealtimeSessionOptions;
}

type State = 'connecting' | 'ready' | 'reconnecting' | 'failed' | 'closed';

/** Caller audio held while (re)connecting; older audio is dropped beyond this. */
const maxBufferedAudioMs = 15_000;

/**
 * One call's session with the OpenAI Realtime API (GA, over `ws`). It owns the upstream socket and
 * replaces it when the server expires the session or the connection drops: the new upstream session
 * gets the same `session.update`, the conversation so far as text items, and the caller audio that
 * arrived in the gap; the runtime sees `reconnecting` then `reconnected`, and no event twice.
 */
export class RealtimeSession implements EngineSession {
  readonly events = new TypedEmitter<EngineEvent>();
  readonly #params: RealtimeSessionParams;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #sessionUpdate: SessionUpdateEvent;
  readonly #log: ConversationLog;
  readonly #gate = new ResponseGate();
  readonly #pending: PendingAudio;
  readonly #lifetime = new AbortController();
  readonly #context: HandlerContext;
  readonly #stream: StreamState;
  #state: State = 'connecting';
  #connection: RealtimeConnection | null = null;
  #generation = 0;
  #deferred: Array<() => void> = [];
  #requestSeq = 0;
  #lostAtMs = 0;
  #closing: Promise<void> | null = null;
  #warnedFormat = false;

  constructor(params: RealtimeSessionParams) {
    const { config } = params;
    this.#params = params;
    this.#logger = config.logger.child({ engine: 'openai-realtime' });
    this.#clock = config.clock;
    this.#sessionUpdate = buildSessionUpdate(config, params.options);
    this.#log = new ConversationLog(config.history);
    this.#pending = new PendingAudio(config.inputFormat, maxBufferedAudioMs);
    this.#stream = new StreamState(config.inputFormat);
    this.#context = this.#handlerContext();
    // Node's EventEmitter throws on an 'error' nobody listens to; errors are also logged, so never crash the call.
    this.events.on('error', () => undefined);
  }

  /** Opens the first upstream session; rejects with an `AppError` when it cannot. */
  async start(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => {
      void this.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    try {
      this.#adopt(await this.#establish(), false);
    } catch (error) {
      signal.removeEventListener('abort', onAbort);
      await this.close();
      throw error;
    }
  }

  sendAudio(chunk: AudioChunk): void {
    if (this.#state === 'closed' || this.#state === 'failed' || chunk.data.length === 0) return;
    if (!sameFormat(chunk.format, this.#params.config.inputFormat)) {
      if (!this.#warnedFormat) this.#logger.error({ format: chunk.format }, 'caller audio in a format other than the negotiated one dropped');
      this.#warnedFormat = true;
      return;
    }
    if (this.#state === 'ready' && this.#connection?.sendJson(appendAudioJson(chunk.data)) === true) {
      this.#stream.utterance.appended(chunk.data);
      return;
    }
    this.#pending.push(chunk.data);
  }

  interrupt(params: { readonly itemId: string | null; readonly heardMs: number }): void {
    const connection = this.#state === 'ready' ? this.#connection : null;
    const { itemId, heardMs } = params;
    // Cancel only the response that produced the item: a late interrupt must not cut the next reply.
    const sameResponse = itemId === null || this.#stream.responseOfItem.get(itemId) === this.#gate.activeId;
    if (connection !== null && this.#gate.cancellable && sameResponse) {
      connection.send({ type: 'response.cancel' });
      this.#gate.cancelSent();
    }
    if (itemId === null) return;
    if (!Number.isFinite(heardMs)) {
      this.#logger.warn({ itemId }, 'interrupt without a finite heard position; not truncating');
      return;
    }
    const generatedMs = this.#log.generatedMs(itemId);
    const audioEndMs = Math.floor(Math.min(Math.max(0, heardMs), generatedMs));
    this.#log.markHeard(itemId, audioEndMs);
    const stream = this.#stream;
    if (connection === null || generatedMs === 0 || !stream.assistantItems.has(itemId)) return;
    if ((stream.truncatedAtMs.get(itemId) ?? Number.POSITIVE_INFINITY) <= audioEndMs) return;
    stream.truncatedAtMs.set(itemId, audioEndMs);
    connection.send(truncateItem(itemId, audioEndMs));
  }

  sendToolResult(params: { readonly callId: string; readonly output: string }): void {
    this.#whenReady((connection) => {
      if (this.#gate.knowsCall(params.callId)) {
        connection.send(functionCallOutput(params.callId, params.output));
        this.#gate.resultSent(params.callId);
      } else {
        // The call was made in an upstream session that is gone: its item does not exist any more.
        const name = this.#gate.toolName(params.callId) ?? 'a tool';
        connection.send(systemNote(`Result of ${name} (call ${params.callId}): ${params.output}`));
      }
      this.#gate.request({ kind: 'continue' });
      this.#pumpResponses();
    });
  }

  say(instructions: string): void {
    this.#whenReady(() => {
      this.#gate.request({ kind: 'say', instructions });
      this.#pumpResponses();
    });
  }

  commitUserTurn(): void {
    this.#whenReady((connection) => {
      connection.send({ type: 'input_audio_buffer.commit' });
      this.#gate.request({ kind: 'continue' });
      this.#pumpResponses();
    });
  }

  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#state = 'closed';
    this.#generation += 1;
    this.#lifetime.abort();
    this.#deferred = [];
    this.#pending.take();
    const connection = this.#connection;
    this.#connection = null;
    this.#closing = connection === null ? Promise.resolve() : connection.close();
    return this.#closing;
  }

  #handlerContext(): HandlerContext {
    return {
      log: this.#log,
      gate: this.#gate,
      stream: this.#stream,
      outputFormat: this.#params.config.outputFormat,
      serverInterrupts: serverInterruptsOnSpeech(this.#params.options),
      logger: this.#logger,
      emit: (event) => {
        this.#emit(event);
      },
      pumpResponses: () => {
        this.#pumpResponses();
      },
      onServerError: (error) => {
        this.#onServerError(error);
      },
    };
  }

  /** Emits to the runtime. A throwing listener is logged, not rethrown into the socket's event loop, where it would end every call in the process. */
  #emit(event: UnstampedEvent): void {
    try {
      this.events.emit({ ...event, atMs: this.#clock.nowMs() });
    } catch (error) {
      this.#logger.error({ err: error, eventType: event.type }, 'engine event listener threw');
    }
  }

  /** Opens an upstream session whose events reach the handlers only while it is the current one. */
  #establish(): Promise<RealtimeConnection> {
    this.#generation += 1;
    const generation = this.#generation;
    const isCurrent = (): boolean => generation === this.#generation;
    const { url, apiKey, connectTimeoutMs, heartbeatMs, WebSocketImpl } = this.#params;
    return establishUpstream({
      url,
      apiKey,
      WebSocketImpl,
      heartbeatMs,
      timeoutMs: connectTimeoutMs,
      clock: this.#clock,
      signal: this.#lifetime.signal,
      sessionUpdate: this.#sessionUpdate,
      handlers: {
        onEvent: (event) => {
          if (isCurrent()) handleServerEvent(this.#context, event);
        },
        onClose: (code, reason) => {
          if (isCurrent()) this.#onUpstreamLost(`upstream socket closed (code ${String(code)}${reason === '' ? '' : `: ${reason}`})`);
        },
      },
    });
  }

  /**
   * Makes a configured upstream session the current one: re-seeds the conversation, then sends the
   * audio held meanwhile (after the `session.update`, so in the right format), then deferred actions.
   */
  #adopt(connection: RealtimeConnection, reconnected: boolean): void {
    // Closed between the confirmation and now: its close event found no current session to act on.
    if (!connection.isOpen) throw new AppError('provider_unavailable', 'The OpenAI Realtime connection closed during setup');
    this.#connection = connection;
    const turns = this.#log.seedTurns();
    for (const turn of turns) connection.send(seedItem(turn));
    // The caller spoke last and the reply was lost with the old session: ask for it again.
    if (reconnected && lastTurnIsUser(turns)) this.#gate.request({ kind: 'continue' });
    const dropped = this.#pending.droppedBytes;
    if (dropped > 0) this.#logger.warn({ droppedBytes: dropped }, 'caller audio beyond the reconnect buffer was dropped');
    for (const block of this.#pending.take()) {
      connection.sendJson(appendAudioJson(block));
      this.#stream.utterance.appended(block);
    }
    this.#state = 'ready';
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const action of deferred) action();
    this.#pumpResponses();
  }

  #whenReady(action: (connection: RealtimeConnection) => void): void {
    const run = (): void => {
      if (this.#connection !== null) action(this.#connection);
    };
    if (this.#state === 'ready') run();
    else if (this.#state === 'connecting' || this.#state === 'reconnecting') this.#deferred.push(run);
  }

  #pumpResponses(): void {
    const connection = this.#connection;
    if (this.#state !== 'ready' || connection === null) return;
    const eventId = `sb_response_${String(this.#requestSeq + 1)}`;
    const next = this.#gate.next(eventId);
    if (next === null) return;
    this.#requestSeq += 1;
    connection.send(responseCreate(eventId, next.response));
  }

  #onServerError(error: RealtimeError): void {
    if (error.code === 'session_expired') {
      this.#onUpstreamLost('session_expired');
      return;
    }
    const eventId = error.event_id ?? null;
    if (eventId !== null && this.#gate.sentRequest(eventId)) {
      const busy = error.code === 'conversation_already_has_active_response';
      this.#gate.refused(eventId, busy);
      if (busy) {
        this.#logger.debug('response.create deferred: a response is already active');
        this.#pumpResponses();
        return;
      }
    }
    if (isHarmlessError(error)) {
      this.#logger.debug({ code: error.code }, 'expected Realtime error ignored');
      return;
    }
    this.#logger.warn({ errorType: error.type, code: error.code ?? null, param: error.param ?? null }, 'OpenAI Realtime error');
    this.#emit({ type: 'error', error: toAppError(error), recoverable: true });
  }

  /** The upstream session is gone (expired or dropped): finish what was in flight and reconnect. */
  #onUpstreamLost(reason: string): void {
    if (this.#state !== 'ready') return;
    this.#state = 'reconnecting';
    this.#lostAtMs = this.#clock.nowMs();
    this.#generation += 1;
    const old = this.#connection;
    this.#connection = null;
    void old?.close();
    this.#logger.warn({ reason }, 'OpenAI Realtime session lost; reconnecting');
    this.#emit({ type: 'reconnecting', reason });
    this.#finishInFlight();
    // The caller was mid-sentence: the new session hears the sentence from its start, then the gap.
    for (const chunk of this.#stream.utterance.take()) this.#pending.push(chunk);
    this.#gate.resetForNewSession();
    this.#stream.reset();
    void this.#reconnect();
  }

  /** Closes the items and the response the old session was producing, exactly once each. */
  #finishInFlight(): void {
    for (const itemId of this.#stream.assistantItems) {
      const text = this.#log.unfinishedAssistantText(itemId);
      if (text === null || !this.#log.finishAssistant(itemId, text)) continue;
      this.#emit({ type: 'assistant_text_done', itemId, text });
    }
    const active = this.#gate.activeId;
    if (active !== null) this.#emit({ type: 'response_done', responseId: active, status: 'incomplete', usage: null });
  }

  async #reconnect(): Promise<void> {
    const { maxAttempts } = this.#params.reconnect;
    let lastError: unknown = null;
    let attempts = 0;
    for (let attempt = 1; attempt <= maxAttempts && this.#reconnecting(); attempt += 1) {
      attempts = attempt;
      await sleep(this.#clock, backoffDelayMs(this.#params.reconnect, attempt), this.#lifetime.signal);
      if (!this.#reconnecting()) return;
      try {
        const connection = await this.#establish();
        if (!this.#reconnecting()) {
          void connection.close();
          return;
        }
        this.#adopt(connection, true);
        const gapMs = this.#clock.nowMs() - this.#lostAtMs;
        this.#logger.info({ attempt, gapMs }, 'OpenAI Realtime session restored');
        this.#emit({ type: 'reconnected', gapMs });
        return;
      } catch (error) {
        lastError = error;
        this.#logger.warn({ attempt, code: error instanceof AppError ? error.code : null }, 'reconnect attempt failed');
        if (isPermanentConnectError(error)) break;
      }
    }
    if (this.#reconnecting()) this.#fail(lastError, attempts);
  }

  /** A method rather than a field test: the state changes across the awaits of the reconnect loop. */
  #reconnecting(): boolean {
    return this.#state === 'reconnecting';
  }

  #fail(cause: unknown, attempts: number): void {
    this.#state = 'failed';
    this.#deferred = [];
    this.#pending.take();
    const code = cause instanceof AppError ? cause.code : 'provider_unavailable';
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    const error = new AppError(code, `Lost the OpenAI Realtime session and could not restore it in ${String(attempts)} attempt${attempts === 1 ? '' : 's'}${detail}`, { cause });
    this.#logger.error({ code }, 'OpenAI Realtime session could not be restored');
    this.#emit({ type: 'error', error, recoverable: false });
  }
}
