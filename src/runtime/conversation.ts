/**
 * The live conversation of one call once its engine session is open: dispatches engine events (one
 * small handler each), caller turns found by the runtime's own detector, and playback reports. It
 * owns the per-call pieces that react to them (transcript writes, barge-in, playback tracking,
 * outbound audio, tool calls) and never ends the call itself: a fatal error goes to `fail`.
 */
import type { AudioConverter } from '../audio/converter.ts';
import { durationMs, type AudioChunk } from '../audio/format.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { AudioObservers } from './audio-observers.ts';
import { OutboundAudio } from './audio-paths.ts';
import { BargeIn } from './barge-in.ts';
import type { CallMetrics } from './call-metrics.ts';
import { PlaybackTracker } from './playback-tracker.ts';
import type {
  CallSink,
  CallTransport,
  EngineCapabilities,
  EngineEvent,
  EngineSession,
  ToolDefinition,
  ToolRunner,
  TransportEvent,
} from './ports.ts';
import type { SinkWriter } from './sink-writer.ts';
import { runToolCall } from './tool-calls.ts';
import type { Transcript } from './transcript.ts';
import { CallerTurnDetection, type TurnDetectorOptions } from './turn-detector.ts';

type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

export interface ConversationDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly transport: CallTransport;
  readonly engine: EngineSession;
  readonly capabilities: EngineCapabilities;
  readonly sink: CallSink;
  readonly writer: SinkWriter;
  readonly metrics: CallMetrics;
  readonly transcript: Transcript;
  /** Engine output format → transport output format, or null when they are equal. */
  readonly outboundConverter: AudioConverter | null;
  readonly tools: readonly ToolDefinition[];
  readonly toolRunner: ToolRunner | undefined;
  readonly toolTimeoutMs: number;
  /** Aborted when the call ends; cancels running tools. */
  readonly signal: AbortSignal;
  /** Clock time the call became active; turn times are relative to it. */
  readonly startedAtMs: number;
  readonly turnDetector: Partial<TurnDetectorOptions>;
  /** Told about agent audio handed to the transport and about barge-in clears. */
  readonly observers: AudioObservers;
  /** Ends the call as failed. */
  readonly fail: (reason: string) => void;
}

/** Reacts to everything that happens in an open call. Created when the engine session opens. */
export class Conversation {
  readonly #deps: ConversationDeps;
  readonly #playback: PlaybackTracker;
  readonly #outbound: OutboundAudio;
  readonly #bargeIn: BargeIn;
  /** Only for engines without server VAD. */
  readonly #turns: CallerTurnDetection | null;
  readonly #tasks = new Set<Promise<void>>();

  constructor(deps: ConversationDeps) {
    this.#deps = deps;
    const { transport, clock } = deps;
    this.#playback = new PlaybackTracker(transport.capabilities.playbackReports ? 'reports' : 'pacing');
    this.#outbound = new OutboundAudio({
      transport,
      converter: deps.outboundConverter,
      playback: this.#playback,
      clock,
      observers: deps.observers,
    });
    this.#bargeIn = new BargeIn({
      transport,
      engine: deps.engine,
      playback: this.#playback,
      transcript: deps.transcript,
      clock,
      relMs: (atMs) => this.#relMs(atMs),
      onCleared: (itemId, heardMs, atMs) => {
        this.#outbound.reset();
        deps.observers.agentAudioCleared(itemId, heardMs, atMs);
      },
    });
    this.#turns = deps.capabilities.serverVad ? null : new CallerTurnDetection(deps.turnDetector);
  }

  /** Dispatches one engine event. A failing handler is logged and never reaches the engine adapter. */
  handleEngineEvent(event: EngineEvent): void {
    try {
      this.#dispatch(event);
    } catch (error) {
      this.#deps.logger.error({ err: error, event: event.type }, 'engine event handler failed');
    }
  }

  /** Caller audio as received (the runtime's turn detector listens when the engine has no VAD). */
  handleCallerAudio(chunk: AudioChunk, atMs: number): void {
    if (this.#turns === null) return;
    for (const turn of this.#turns.push(chunk, atMs)) {
      if (turn.type === 'speech_started') {
        this.#callerSpeechStarted(turn.itemId, turn.atMs, true);
        continue;
      }
      this.#callerSpeechStopped(turn.itemId, turn.atMs);
      this.#deps.engine.commitUserTurn(turn.itemId);
    }
  }

  /** A transport playback report; stale ones (older generation) are ignored. */
  handlePlayback(event: Extract<TransportEvent, { type: 'playback' }>): void {
    const accepted = this.#playback.recordReport(event.itemId, event.playedMs, event.generation, this.#deps.transport.generation);
    if (!accepted) this.#deps.logger.debug({ itemId: event.itemId, generation: event.generation }, 'playback report ignored');
  }

  /**
   * The call is ending: the item still playing keeps only its heard text, and every turn in progress
   * that has text is written. Then waits for running tools (already aborted) to settle.
   */
  async settle(): Promise<void> {
    this.#bargeIn.settleForEnd();
    this.#deps.transcript.finishOpenTurns(this.#relMs(this.#deps.clock.nowMs()));
    await Promise.all(this.#tasks);
  }

  /** Resolves once the tool calls running now have finished. */
  async idle(): Promise<void> {
    await Promise.all(this.#tasks);
  }

  #dispatch(event: EngineEvent): void {
    switch (event.type) {
      case 'speech_started':
        this.#callerSpeechStarted(event.itemId, event.atMs, false);
        break;
      case 'speech_stopped':
        this.#callerSpeechStopped(event.itemId, event.atMs);
        break;
      case 'user_transcript':
        this.#onUserTranscript(event);
        break;
      case 'response_started':
        this.#bargeIn.responseStarted();
        break;
      case 'assistant_audio':
        this.#onAssistantAudio(event);
        break;
      case 'assistant_text_delta':
        this.#onAssistantTextDelta(event);
        break;
      case 'assistant_text_done':
        this.#onAssistantTextDone(event);
        break;
      case 'response_done':
        this.#onResponseDone(event);
        break;
      case 'tool_call':
        this.#onToolCall(event);
        break;
      case 'reconnecting':
        this.#onReconnecting(event);
        break;
      case 'reconnected':
        this.#onReconnected(event);
        break;
      case 'error':
        this.#onError(event);
        break;
      default: {
        const unknown: never = event;
        this.#deps.logger.debug({ event: unknown }, 'unknown engine event ignored');
      }
    }
  }

  #callerSpeechStarted(itemId: string, atMs: number, local: boolean): void {
    const bargeIn = this.#bargeIn.callerSpeechStarted();
    this.#deps.transcript.userSpeechStarted(itemId, this.#relMs(atMs), { local });
    if (bargeIn !== null) this.#record('barge_in', { ...bargeIn });
  }

  #callerSpeechStopped(itemId: string, atMs: number): void {
    this.#deps.transcript.userSpeechStopped(itemId, this.#relMs(atMs));
    this.#deps.metrics.recordLatency({ type: 'caller_turn_ended', atMs });
  }

  #onUserTranscript(event: EventOf<'user_transcript'>): void {
    this.#deps.transcript.userTranscript(event.itemId, event.text, event.final, this.#relMs(event.atMs));
    this.#deps.transport.notify({ type: 'user_transcript', itemId: event.itemId, text: event.text, final: event.final });
  }

  #onAssistantAudio(event: EventOf<'assistant_audio'>): void {
    const ms = durationMs(event.chunk.format, event.chunk.data.length);
    this.#deps.metrics.recordUsage({ type: 'output_audio', ms });
    if (this.#bargeIn.shouldDrop(event.itemId)) return;
    this.#bargeIn.audioGenerated(event.itemId, ms);
    this.#deps.transcript.assistantStarted(event.itemId, this.#relMs(event.atMs));
    const sentMs = this.#outbound.send(event.itemId, event.chunk);
    if (sentMs > 0) this.#deps.metrics.recordLatency({ type: 'assistant_audio_sent', atMs: this.#deps.clock.nowMs() });
  }

  #onAssistantTextDelta(event: EventOf<'assistant_text_delta'>): void {
    if (this.#bargeIn.shouldDrop(event.itemId)) return;
    this.#deps.transcript.assistantDelta(event.itemId, event.delta, this.#relMs(event.atMs));
    this.#deps.transport.notify({ type: 'assistant_text_delta', itemId: event.itemId, delta: event.delta });
  }

  #onAssistantTextDone(event: EventOf<'assistant_text_done'>): void {
    if (this.#bargeIn.shouldDrop(event.itemId)) return;
    // The turn ends when its audio has played, not when the engine finished generating it.
    const endAtMs = Math.max(event.atMs, this.#playback.playoutEndAtMs(event.itemId) ?? event.atMs);
    this.#deps.transcript.assistantDone(event.itemId, event.text, this.#relMs(endAtMs));
    this.#deps.transport.notify({ type: 'assistant_text_done', itemId: event.itemId, text: event.text, interrupted: false });
  }

  #onResponseDone(event: EventOf<'response_done'>): void {
    this.#bargeIn.responseDone();
    this.#outbound.endItem();
    const { transcript, metrics, writer, sink, clock } = this.#deps;
    // Assistant items without a final text (an engine that sends none, or a response cut short).
    transcript.finishOpenTurns(this.#relMs(event.atMs), { role: 'assistant', interrupted: event.status !== 'completed' });
    if (event.usage !== null) metrics.recordUsage({ type: 'engine_usage', usage: event.usage });
    const usage = metrics.usage();
    const latency = metrics.latency();
    void writer.enqueue('saveMetrics', () => sink.saveMetrics(usage, latency, clock.nowMs()));
  }

  #onToolCall(event: EventOf<'tool_call'>): void {
    const { engine, transcript, tools, toolRunner, clock, logger, signal, toolTimeoutMs } = this.#deps;
    const call = { callId: event.callId, name: event.name, arguments: event.arguments, atMs: event.atMs };
    const deps = {
      engine,
      transcript,
      tools,
      runner: toolRunner,
      clock,
      logger,
      signal,
      timeoutMs: toolTimeoutMs,
      relMs: (atMs: number) => this.#relMs(atMs),
      record: (data: Record<string, unknown>) => {
        this.#record('tool_call', data);
      },
    };
    const task = runToolCall(deps, call).finally(() => this.#tasks.delete(task));
    this.#tasks.add(task);
  }

  #onReconnecting(event: EventOf<'reconnecting'>): void {
    this.#deps.logger.warn({ reason: event.reason }, 'engine reconnecting');
    this.#record('engine_reconnecting', { reason: event.reason });
  }

  #onReconnected(event: EventOf<'reconnected'>): void {
    this.#deps.logger.info({ gapMs: event.gapMs }, 'engine reconnected');
    this.#record('engine_reconnected', { gapMs: event.gapMs });
  }

  #onError(event: EventOf<'error'>): void {
    const { error, recoverable } = event;
    this.#deps.logger.warn({ err: error, code: error.code, recoverable }, 'engine error');
    this.#record('engine_error', { code: error.code, recoverable });
    this.#deps.transport.notify({ type: 'error', code: error.code, message: error.message, recoverable });
    if (!recoverable) this.#deps.fail('engine_failed');
  }

  #record(type: string, data: Record<string, unknown>): void {
    const { writer, sink, clock } = this.#deps;
    const atMs = clock.nowMs();
    void writer.enqueue('appendEvent', () => sink.appendEvent(type, data, atMs));
  }

  #relMs(atMs: number): number {
    return Math.max(0, atMs - this.#deps.startedAtMs);
  }
}
