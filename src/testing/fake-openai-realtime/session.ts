import type { ConversationItem, RealtimeClientEvent, RealtimeError, SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { WebSocket, type RawData } from 'ws';
import { decodeBase64 } from './audio.ts';
import { eventIdOf, parseClientEvent } from './client-events.ts';
import { Conversation } from './conversation.ts';
import { invalidRequest, realtimeErrors } from './errors.ts';
import { fakeId } from './ids.ts';
import { InputAudioBuffer } from './input-audio.ts';
import { createItem, deleteItem, retrieveItem, truncateItem } from './items.ts';
import type { ResolvedOptions } from './options.ts';
import { ResponseManager } from './responses.ts';
import { TurnScriptQueue } from './script.ts';
import { defaultSessionConfig, mergeSessionConfig, voiceKey, type FakeSessionConfig } from './session-config.ts';
import type { SessionCore } from './session-core.ts';
import { appendAudio, clearInput, commitManually } from './turns.ts';
import type {
  AudioCounters,
  FakeRealtimeSession,
  FakeServerEvent,
  ObservedEvent,
  OutgoingServerEvent,
  ReceivedClientEvent,
  TruncateRecord,
  TurnScript,
} from './types.ts';

export interface SessionDeps {
  readonly socket: WebSocket;
  readonly model: string;
  readonly requestHeaders: Readonly<Record<string, string | undefined>>;
  readonly options: ResolvedOptions;
  readonly serverScript: TurnScriptQueue;
  readonly observe: (event: ObservedEvent) => void;
}

type MutableCounters = { -readonly [K in keyof AudioCounters]: AudioCounters[K] };

/** One Realtime session behind one WebSocket: the GA protocol's state machine. */
export class FakeSession implements FakeRealtimeSession, SessionCore {
  readonly id = fakeId('sess');
  readonly model: string;
  readonly requestHeaders: Readonly<Record<string, string | undefined>>;
  readonly connectedAtMs: number;
  readonly options: ResolvedOptions;
  readonly conversation = new Conversation(fakeId('conv'));
  readonly input: InputAudioBuffer;
  readonly scripts: readonly TurnScriptQueue[];
  readonly clientEvents: ReceivedClientEvent[] = [];
  readonly serverEvents: FakeServerEvent[] = [];
  readonly truncations: TruncateRecord[] = [];
  readonly #socket: WebSocket;
  readonly #observe: (event: ObservedEvent) => void;
  readonly #responses: ResponseManager;
  readonly #counters: MutableCounters = { appendCount: 0, bytesReceived: 0, msReceived: 0, appendsBeforeSessionUpdate: 0 };
  #config: FakeSessionConfig;
  #closed = false;
  #sessionUpdated = false;
  #userTurns = 0;
  #cancelExpiry: () => void;

  constructor(deps: SessionDeps) {
    this.model = deps.model;
    this.requestHeaders = deps.requestHeaders;
    this.options = deps.options;
    this.#socket = deps.socket;
    this.#observe = deps.observe;
    this.connectedAtMs = deps.options.clock.nowMs();
    this.scripts = [new TurnScriptQueue(), deps.serverScript];
    this.#config = defaultSessionConfig(this.id, deps.model, Math.floor((this.connectedAtMs + deps.options.maxSessionDurationMs) / 1000));
    this.input = new InputAudioBuffer(deps.options.vad);
    this.input.configure(this.#config.audio.input.turn_detection);
    this.#responses = new ResponseManager(this);
    this.#cancelExpiry = () => undefined;
  }

  /**
   * Wires the socket and sends the greeting; separate from the constructor, which does no I/O. When
   * the client asked for the removed beta protocol the session errors and closes at once.
   */
  open(betaRequested: boolean): void {
    this.#socket.on('message', (data: RawData, isBinary: boolean) => {
      this.#onMessage(data, isBinary);
    });
    this.#socket.on('close', () => {
      this.#onClosed();
    });
    this.#socket.on('error', () => {
      this.#onClosed();
    });
    if (betaRequested) {
      this.#sendError(
        invalidRequest('beta_api_removed', "The Realtime API beta ('OpenAI-Beta: realtime=v1') has been removed. Use the GA interface without the beta header."),
      );
      this.#socket.close(1008, 'beta protocol removed');
      return;
    }
    this.send({ type: 'session.created', session: this.#config });
    if (this.options.sendConversationCreated) {
      this.send({ type: 'conversation.created', conversation: { id: this.conversation.id, object: 'realtime.conversation' } });
    }
    this.#cancelExpiry = this.options.clock.setTimer(this.options.maxSessionDurationMs, () => {
      this.expire();
    });
  }

  get config(): FakeSessionConfig {
    return this.#config;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get audio(): AudioCounters {
    return { ...this.#counters };
  }

  get activeResponseId(): string | null {
    return this.#responses.activeId;
  }

  get items(): readonly ConversationItem[] {
    return this.conversation.items;
  }

  nextUserTurn(): number {
    this.#userTurns += 1;
    return this.#userTurns - 1;
  }

  script(script: TurnScript): void {
    this.scripts[0]?.append(script);
  }

  send(event: OutgoingServerEvent): void {
    this.sendServerEvent({ ...event, event_id: fakeId('event') } as FakeServerEvent);
  }

  sendServerEvent(event: FakeServerEvent): void {
    if (this.#closed) return;
    const audio = event.type === 'response.output_audio.delta';
    const keep = !audio || this.options.recordAudioEvents;
    const recorded = keep && audio && !this.options.recordAudioPayloads ? { ...event, delta: elided(event.delta) } : event;
    if (keep) this.serverEvents.push(recorded);
    this.#observed({ direction: 'server', sessionId: this.id, atMs: this.options.clock.nowMs(), event: recorded }, keep);
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(event));
  }

  expire(): void {
    if (this.#closed) return;
    this.#sendError(realtimeErrors.sessionExpired());
    this.close(1001, '');
  }

  drop(): void {
    this.#socket.terminate();
    this.#onClosed();
  }

  close(code = 1000, reason = ''): void {
    if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) this.#socket.close(code, reason);
    this.#onClosed();
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelExpiry();
    this.#responses.dispose();
  }

  /** Hands an event to `onEvent`, and to the log when it is kept (see `recordAudioEvents`). */
  #observed(event: ObservedEvent, keep: boolean): void {
    this.options.onEvent?.(event);
    if (keep) this.#observe(event);
  }

  #sendError(error: RealtimeError): void {
    this.send({ type: 'error', error });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    // Stamped on arrival, before parsing: benchmarks read it as the time the event reached the server.
    const atMs = this.options.clock.nowMs();
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const parsed = isBinary
      ? { ok: false as const, raw: null, error: realtimeErrors.invalidJson('binary frames are not supported') }
      : parseClientEvent(text);
    const keep = this.options.recordAudioEvents || !parsed.ok || parsed.event.type !== 'input_audio_buffer.append';
    const record = {
      atMs,
      raw: keep ? this.#forRecord(parsed.raw) : parsed.raw,
      event: parsed.ok ? (keep ? this.#forRecord(parsed.event) : parsed.event) : null,
      error: parsed.ok ? null : parsed.error,
    };
    if (keep) this.clientEvents.push(record);
    this.#observed({ direction: 'client', sessionId: this.id, atMs: record.atMs, event: record }, keep);
    if (!parsed.ok) {
      this.#recordRejectedTruncate(parsed.raw, parsed.error);
      this.#sendError(parsed.error);
      return;
    }
    const error = this.#dispatch(parsed.event);
    if (error !== null) {
      record.error = { ...error, event_id: parsed.event.event_id ?? null };
      this.#sendError(record.error);
    }
  }

  #dispatch(event: RealtimeClientEvent): RealtimeError | null {
    switch (event.type) {
      case 'session.update':
        return this.#updateSession(event);
      case 'input_audio_buffer.append':
        return this.#append(event.audio);
      case 'input_audio_buffer.commit':
        return commitManually(this, this.#responses);
      case 'input_audio_buffer.clear':
        clearInput(this);
        return null;
      case 'output_audio_buffer.clear':
        return realtimeErrors.webRtcOnly(event.type);
      case 'conversation.item.create':
        return createItem(this, event);
      case 'conversation.item.retrieve':
        return retrieveItem(this, event.item_id);
      case 'conversation.item.delete':
        return deleteItem(this, this.#responses, event.item_id);
      case 'conversation.item.truncate': {
        const outcome = truncateItem(this, this.#responses, event);
        this.truncations.push({
          atMs: this.options.clock.nowMs(),
          eventId: event.event_id ?? null,
          itemId: event.item_id,
          contentIndex: event.content_index,
          audioEndMs: event.audio_end_ms,
          generatedAudioMs: outcome.generatedAudioMs,
          accepted: outcome.error === null,
          error: outcome.error === null ? null : { ...outcome.error, event_id: event.event_id ?? null },
        });
        return outcome.error;
      }
      case 'response.create':
        return this.#responses.create(event.response);
      case 'response.cancel':
        return this.#responses.cancel(event.response_id);
    }
  }

  #updateSession(event: SessionUpdateEvent): RealtimeError | null {
    const update = event.session;
    if (update.type !== 'realtime') return realtimeErrors.notTranscriptionSession();
    const voice = update.audio?.output?.voice;
    if (voice !== undefined && voiceKey(voice) !== voiceKey(this.#config.audio.output.voice) && this.conversation.hasAssistantAudio) {
      return realtimeErrors.cannotUpdateVoice();
    }
    if (update.instructions !== undefined || update.tools !== undefined) this.#responses.bustCache();
    this.#config = mergeSessionConfig(this.#config, update);
    this.input.configure(this.#config.audio.input.turn_detection);
    this.#sessionUpdated = true;
    this.send({ type: 'session.updated', session: this.#config });
    return null;
  }

  #append(audio: string): RealtimeError | null {
    const bytes = decodeBase64(audio);
    if (bytes === null) return realtimeErrors.invalidAudio();
    this.#counters.appendCount += 1;
    this.#counters.bytesReceived += bytes.length;
    if (!this.#sessionUpdated) this.#counters.appendsBeforeSessionUpdate += 1;
    this.#counters.msReceived += appendAudio(this, this.#responses, bytes);
    return null;
  }

  #recordRejectedTruncate(raw: unknown, error: RealtimeError): void {
    if (typeof raw !== 'object' || raw === null) return;
    const fields = raw as Record<string, unknown>;
    if (fields['type'] !== 'conversation.item.truncate') return;
    const audioEndMs = fields['audio_end_ms'];
    const contentIndex = fields['content_index'];
    this.truncations.push({
      atMs: this.options.clock.nowMs(),
      eventId: eventIdOf(raw),
      itemId: typeof fields['item_id'] === 'string' ? fields['item_id'] : '',
      contentIndex: typeof contentIndex === 'number' ? contentIndex : Number.NaN,
      audioEndMs: typeof audioEndMs === 'number' ? audioEndMs : Number.NaN,
      generatedAudioMs: null,
      accepted: false,
      error,
    });
  }

  /** Elides base64 audio from recorded events when `recordAudioPayloads` is off. */
  #forRecord<T>(value: T): T {
    if (this.options.recordAudioPayloads || typeof value !== 'object' || value === null) return value;
    const fields = value as Record<string, unknown>;
    if (fields['type'] !== 'input_audio_buffer.append' || typeof fields['audio'] !== 'string') return value;
    return { ...fields, audio: elided(fields['audio']) } as T;
  }
}

function elided(base64: string): string {
  return `<${String(base64.length)} base64 chars elided>`;
}
