import { durationMs, type AudioChunk, type AudioFormat } from '../../audio/format.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import type {
  Engine,
  EngineCapabilities,
  EngineEvent,
  EngineSession,
  EngineSessionConfig,
  UsageDelta,
} from '../../runtime/ports.ts';
import { CountingEmitter } from './counting-emitter.ts';
import { silenceChunk } from './test-audio.ts';

/** An engine event whose `atMs` may be left out (it then defaults to the clock's now). */
export type ScriptedEvent = EngineEvent extends infer E
  ? E extends { readonly atMs: number }
    ? Omit<E, 'atMs'> & { readonly atMs?: number }
    : never
  : never;

export interface ScriptedEngineOptions {
  readonly name?: string;
  /** Defaults: server VAD, truncation and input transcription on; mid-call instructions off. */
  readonly capabilities?: Partial<EngineCapabilities>;
  /** Formats `negotiateFormats` returns; by default the caller's own (no conversion). */
  readonly formats?: { readonly input: AudioFormat; readonly output: AudioFormat };
  /** `open` rejects with this error. */
  readonly openError?: AppError;
  /** `open` waits until `releaseOpen()` (or rejects when its signal aborts). */
  readonly holdOpen?: boolean;
  /** Source of default `atMs` values (default: the system clock). */
  readonly clock?: Clock;
}

/**
 * An {@link Engine} for tests. Each `open` creates a {@link ScriptedEngineSession} that records what
 * the runtime asks of it and lets the test emit the engine's events.
 */
export class ScriptedEngine implements Engine {
  readonly name: string;
  readonly capabilities: EngineCapabilities;
  /** Every configuration `open` received. */
  readonly openConfigs: EngineSessionConfig[] = [];
  readonly sessions: ScriptedEngineSession[] = [];
  readonly #options: ScriptedEngineOptions;
  readonly #clock: Clock;
  #release: (() => void)[] = [];

  constructor(options: ScriptedEngineOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'scripted';
    this.#clock = options.clock ?? systemClock;
    this.capabilities = {
      serverVad: true,
      truncation: true,
      inputTranscription: true,
      midCallInstructions: false,
      ...options.capabilities,
    };
  }

  /** The last session opened; throws when none was. */
  get session(): ScriptedEngineSession {
    const session = this.sessions.at(-1);
    if (session === undefined) throw new Error('ScriptedEngine: no session was opened');
    return session;
  }

  negotiateFormats(caller: { readonly input: AudioFormat; readonly output: AudioFormat }): {
    readonly input: AudioFormat;
    readonly output: AudioFormat;
  } {
    return this.#options.formats ?? caller;
  }

  async open(config: EngineSessionConfig, signal: AbortSignal): Promise<EngineSession> {
    this.openConfigs.push(config);
    if (this.#options.holdOpen === true) await this.#waitForRelease(signal);
    if (this.#options.openError !== undefined) throw this.#options.openError;
    if (signal.aborted) throw new AppError('provider_unavailable', 'open aborted');
    const session = new ScriptedEngineSession(config, this.#clock);
    this.sessions.push(session);
    return session;
  }

  /** Lets every held `open` continue. */
  releaseOpen(): void {
    for (const release of this.#release.splice(0)) release();
  }

  #waitForRelease(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        reject(new AppError('provider_unavailable', 'open aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#release.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}

/** One call's session of a {@link ScriptedEngine}: records calls, emits what the test scripts. */
export class ScriptedEngineSession implements EngineSession {
  readonly events = new CountingEmitter<EngineEvent>();
  readonly config: EngineSessionConfig;
  /** Caller audio received, in order. */
  readonly audio: AudioChunk[] = [];
  readonly interrupts: { readonly itemId: string | null; readonly heardMs: number }[] = [];
  readonly toolResults: { readonly callId: string; readonly output: string }[] = [];
  /** Instructions passed to `say`. */
  readonly said: string[] = [];
  /** One entry per `commitUserTurn`, with the item id the runtime passed (if any). */
  readonly commits: (string | undefined)[] = [];
  closeCount = 0;
  readonly #clock: Clock;

  constructor(config: EngineSessionConfig, clock: Clock) {
    this.config = config;
    this.#clock = clock;
  }

  get closed(): boolean {
    return this.closeCount > 0;
  }

  /** Milliseconds of caller audio received. */
  get receivedAudioMs(): number {
    return this.audio.reduce((total, chunk) => total + durationMs(chunk.format, chunk.data.length), 0);
  }

  sendAudio(chunk: AudioChunk): void {
    this.audio.push(chunk);
  }

  interrupt(params: { readonly itemId: string | null; readonly heardMs: number }): void {
    this.interrupts.push({ itemId: params.itemId, heardMs: params.heardMs });
  }

  sendToolResult(params: { readonly callId: string; readonly output: string }): void {
    this.toolResults.push({ callId: params.callId, output: params.output });
  }

  say(instructions: string): void {
    this.said.push(instructions);
  }

  commitUserTurn(itemId?: string): void {
    this.commits.push(itemId);
  }

  close(): Promise<void> {
    this.closeCount += 1;
    return Promise.resolve();
  }

  // ─── Scripting the engine's side ───────────────────────────────────────────────────────────────

  /** Emits any engine event; `atMs` defaults to now. */
  emit(event: ScriptedEvent): void {
    this.events.emit({ ...event, atMs: event.atMs ?? this.#clock.nowMs() });
  }

  speechStarted(itemId: string): void {
    this.emit({ type: 'speech_started', itemId });
  }

  speechStopped(itemId: string): void {
    this.emit({ type: 'speech_stopped', itemId });
  }

  userTranscript(itemId: string, text: string, final = true): void {
    this.emit({ type: 'user_transcript', itemId, text, final });
  }

  responseStarted(responseId: string): void {
    this.emit({ type: 'response_started', responseId });
  }

  /** `ms` of assistant audio (silence in the session's output format, unless a chunk is given). */
  assistantAudio(itemId: string, ms: number, chunk?: AudioChunk): void {
    this.emit({ type: 'assistant_audio', itemId, chunk: chunk ?? silenceChunk(this.config.outputFormat, ms) });
  }

  textDelta(itemId: string, delta: string): void {
    this.emit({ type: 'assistant_text_delta', itemId, delta });
  }

  textDone(itemId: string, text: string): void {
    this.emit({ type: 'assistant_text_done', itemId, text });
  }

  responseDone(responseId: string, status: 'completed' | 'cancelled' | 'incomplete' | 'failed' = 'completed', usage: UsageDelta | null = null): void {
    this.emit({ type: 'response_done', responseId, status, usage });
  }

  toolCall(callId: string, name: string, args: string): void {
    this.emit({ type: 'tool_call', callId, name, arguments: args });
  }

  fail(error: AppError, recoverable: boolean): void {
    this.emit({ type: 'error', error, recoverable });
  }
}
