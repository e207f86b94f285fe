import type { ConversationItem, RealtimeClientEvent, RealtimeError, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { Clock } from '../../core/clock.ts';
import type { FakeSessionConfig } from './session-config.ts';

/** The key the fake expects in `Authorization: Bearer …` unless told otherwise. */
export const FAKE_OPENAI_API_KEY = 'sk-fake-realtime-test-key';

type SessionEventType = 'session.created' | 'session.updated';

/**
 * Every event the fake sends. The SDK's server-event union, except that `session.created` /
 * `session.updated` carry the full effective session (with `null` for switched-off features).
 */
export type FakeServerEvent =
  | Exclude<RealtimeServerEvent, { type: SessionEventType }>
  | { readonly type: 'session.created'; readonly event_id: string; readonly session: FakeSessionConfig }
  | { readonly type: 'session.updated'; readonly event_id: string; readonly session: FakeSessionConfig };

export type FakeServerEventOf<T extends FakeServerEvent['type']> = Extract<FakeServerEvent, { type: T }>;

/** One assistant output in a scripted reply. */
export type ReplyOutput =
  | {
      readonly type: 'message';
      readonly text: string;
      /** Length of the generated audio; defaults to about 60 ms per character (at least 400 ms). */
      readonly audioMs?: number;
      /** Audio to send instead of a tone: PCM16 mono at 24 kHz, encoded to the output format as needed. */
      readonly pcm24k?: Int16Array;
    }
  | {
      readonly type: 'function_call';
      readonly name: string;
      /** JSON text, or an object that is serialised. */
      readonly arguments: string | Readonly<Record<string, unknown>>;
      readonly callId?: string;
    };

/** What the assistant answers in one response: one output, or several in order (e.g. speech then a tool call). */
export type AssistantReply = ReplyOutput | readonly ReplyOutput[];

export interface ReplyContext {
  readonly sessionId: string;
  /** 0-based count of responses started in this session. */
  readonly responseIndex: number;
  /** `vad` when turn detection created the response, `client` for `response.create`. */
  readonly trigger: 'vad' | 'client';
  /** Text or transcript of the latest user message, if any. */
  readonly lastUserText: string | null;
  /** The latest conversation item (e.g. a `function_call_output` the reply should speak about). */
  readonly lastItem: ConversationItem | null;
  /** Instructions in force for this response (per-response instructions win over the session's). */
  readonly instructions: string;
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly conversation: readonly ConversationItem[];
}

export type ReplyFunction = (context: ReplyContext) => AssistantReply;

/**
 * A script of turns, consumed in order. `userSays[n]` is the transcript of the n-th committed user
 * audio turn (the fake cannot recognise speech); `replies[n]` is the n-th response's output.
 */
export interface TurnScript {
  readonly userSays?: readonly string[];
  readonly replies?: ReadonlyArray<AssistantReply | ReplyFunction>;
}

export interface PacingOptions {
  /** Generated audio milliseconds per wall-clock millisecond. Default 10; `Infinity` sends a whole response at once. */
  readonly speedFactor?: number;
  /** Wall-clock delay before the first audio (or text) delta of a response. Default 0. */
  readonly firstDeltaDelayMs?: number;
  /** Audio per `response.output_audio.delta`. Default 100 ms. */
  readonly chunkMs?: number;
}

export interface VadOptions {
  /** Frame RMS (fraction of full scale) counted as speech when `threshold` is 0.5; scales linearly with it. Default 0.02. */
  readonly energyThreshold?: number;
  /** Minimum speech before `speech_started`. Default 30 ms. */
  readonly minSpeechMs?: number;
}

export interface FakeRealtimeOptions {
  /** Expected bearer key, or a predicate. Default {@link FAKE_OPENAI_API_KEY}. */
  readonly apiKey?: string | ((key: string) => boolean);
  /** Hard session cap; the real API's is 60 minutes. */
  readonly maxSessionDurationMs?: number;
  readonly pacing?: PacingOptions;
  readonly vad?: VadOptions;
  /** Server-wide script, shared by all sessions in connection order (session scripts are consulted first). */
  readonly script?: TurnScript;
  /** Reply when no script entry is left. Default: echo "You said: …", or report a tool result. */
  readonly defaultReply?: ReplyFunction;
  /** User transcript when no script entry is left. Default `"User turn <n>."`. */
  readonly defaultUserTranscript?: (turnIndex: number) => string;
  /**
   * Where input transcription events go relative to the automatic response. The real API runs
   * transcription asynchronously, so both happen; default `before-response`.
   */
  readonly transcriptionOrder?: 'before-response' | 'after-response-created';
  /** Also send `conversation.created` after `session.created` (the GA server may or may not). Default false. */
  readonly sendConversationCreated?: boolean;
  /** Delay before accepting a WebSocket upgrade (a realistic connect is ~300 ms). Default 0. */
  readonly connectDelayMs?: number;
  /** Keep base64 audio inside recorded events. Turn off for long benchmarks to save memory. Default true. */
  readonly recordAudioPayloads?: boolean;
  /**
   * Keep the audio events (accepted `input_audio_buffer.append`, `response.output_audio.delta`) in
   * `clientEvents`, `serverEvents` and `events`, where `waitFor…` finds them. Turn off for long
   * benchmarks: thousands of kept events a second make the fake's own garbage collections long
   * enough to show in what it measures. `session.audio` still counts them, and `onEvent` sees them.
   * Default true.
   */
  readonly recordAudioEvents?: boolean;
  /** Sees every event the fake sends or receives, kept or not (audio payloads as sent). */
  readonly onEvent?: (event: ObservedEvent) => void;
  readonly clock?: Clock;
  /** Port to listen on (127.0.0.1). Default 0: an ephemeral port, read back from `port`. */
  readonly port?: number;
}

export interface ReceivedClientEvent {
  readonly atMs: number;
  /** The JSON as received (audio payloads elided when `recordAudioPayloads` is false). */
  readonly raw: unknown;
  /** The validated event, or `null` when it was rejected. */
  readonly event: RealtimeClientEvent | null;
  /** The error the fake answered with, if any. */
  readonly error: RealtimeError | null;
}

export interface TruncateRecord {
  readonly atMs: number;
  readonly eventId: string | null;
  readonly itemId: string;
  readonly contentIndex: number;
  readonly audioEndMs: number;
  /** Audio generated for the item when the truncate arrived (`null` if the item is unknown). */
  readonly generatedAudioMs: number | null;
  readonly accepted: boolean;
  readonly error: RealtimeError | null;
}

export interface AudioCounters {
  readonly appendCount: number;
  readonly bytesReceived: number;
  /** Duration of the received audio, each append measured in the input format in force at the time. */
  readonly msReceived: number;
  /** Appends that arrived before the first accepted `session.update` (audio in the default 24 kHz PCM). */
  readonly appendsBeforeSessionUpdate: number;
}

export type ObservedEvent =
  | { readonly direction: 'server'; readonly sessionId: string; readonly atMs: number; readonly event: FakeServerEvent }
  | { readonly direction: 'client'; readonly sessionId: string; readonly atMs: number; readonly event: ReceivedClientEvent };

export interface RejectedUpgrade {
  readonly atMs: number;
  readonly status: number;
  readonly reason: string;
}

/** One connected (or finished) session, for scripting and inspection. */
export interface FakeRealtimeSession {
  readonly id: string;
  readonly model: string;
  readonly requestHeaders: Readonly<Record<string, string | undefined>>;
  readonly connectedAtMs: number;
  readonly closed: boolean;
  readonly config: FakeSessionConfig;
  readonly clientEvents: readonly ReceivedClientEvent[];
  readonly serverEvents: readonly FakeServerEvent[];
  /** Every truncate the client sent, accepted or not (rejected ones carry the error). */
  readonly truncations: readonly TruncateRecord[];
  /** The default conversation as the server holds it (user items carry their scripted transcripts). */
  readonly items: readonly ConversationItem[];
  readonly audio: AudioCounters;
  readonly activeResponseId: string | null;
  /** Appends turns to this session's own script (consulted before the server's). */
  script(script: TurnScript): void;
  /** Sends an arbitrary server event (for cases the fake does not model). */
  sendServerEvent(event: FakeServerEvent): void;
  /** `error` `session_expired`, then close 1001 — what the real server does at 60 minutes. */
  expire(): void;
  /** Terminates the socket without a close frame. */
  drop(): void;
  close(code?: number, reason?: string): void;
}

export interface FakeRealtimeServer {
  /** `http://127.0.0.1:<port>/v1`: the product derives `ws://…/v1/realtime?model=…` from it. */
  readonly baseUrl: string;
  readonly port: number;
  readonly sessions: readonly FakeRealtimeSession[];
  readonly events: readonly ObservedEvent[];
  readonly rejectedUpgrades: readonly RejectedUpgrade[];
  /** `ws://127.0.0.1:<port>/v1/realtime?model=<model>`. */
  realtimeUrl(model?: string): string;
  session(id: string): FakeRealtimeSession | undefined;
  /** Resolves with the `nth` session (1-based) once it has connected. */
  waitForSession(nth?: number, timeoutMs?: number): Promise<FakeRealtimeSession>;
  /** Resolves with the first observed event (past or future) matching `predicate`. */
  waitFor(predicate: (event: ObservedEvent) => boolean, timeoutMs?: number): Promise<ObservedEvent>;
  /** Resolves with the first server event of `type` (past or future) that satisfies `where`. */
  waitForServerEvent<T extends FakeServerEvent['type']>(
    type: T,
    options?: { readonly sessionId?: string; readonly where?: (event: FakeServerEventOf<T>) => boolean; readonly timeoutMs?: number },
  ): Promise<FakeServerEventOf<T>>;
  /** Appends turns to the server-wide script. */
  script(script: TurnScript): void;
  /** Expires one session by id, or every open one with `'all'`. */
  expireSession(sessionId: string): void;
  dropAll(): void;
  /** `true`/`'http-503'` answers upgrades with 503; `'destroy'` resets the TCP connection; `false` accepts again. */
  setRefuseConnections(mode: boolean | 'http-503' | 'destroy'): void;
  close(): Promise<void>;
}

/** A server event before the session stamps its `event_id` (internal). */
export type OutgoingServerEvent = FakeServerEvent extends infer E ? (E extends unknown ? Omit<E, 'event_id'> : never) : never;
