/**
 * The ports of the call runtime. The runtime sits between one caller-side transport and one engine;
 * adapters implement these interfaces and the runtime never imports an adapter. Any engine runs
 * behind any transport: the runtime converts audio formats between them when they differ.
 *
 * Conventions: every event is one payload object discriminated by `type` with an integer `atMs` from
 * the injected `Clock`; audio travels as `AudioChunk` (PCM16 LE mono, μ-law or A-law, with its rate).
 */
import type { AudioChunk, AudioFormat } from '../audio/format.ts';
import type { Clock } from '../core/clock.ts';
import type { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TypedEmitter } from '../core/typed-emitter.ts';

// ─── Engine ────────────────────────────────────────────────────────────────────────────────────────

/** What an engine can do; the runtime branches on these, never on the engine's identity. */
export interface EngineCapabilities {
  /** The engine detects the caller's turns itself (server VAD) and emits `speech_started` / `speech_stopped`. */
  readonly serverVad: boolean;
  /** The engine can drop the unheard part of an assistant item (`interrupt` with a heard position). */
  readonly truncation: boolean;
  /** The engine transcribes the caller's audio and emits `user_transcript`. */
  readonly inputTranscription: boolean;
  /** Instructions can change mid-call without reconnecting. */
  readonly midCallInstructions: boolean;
}

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments. */
  readonly parameters: Record<string, unknown>;
}

/** A finished turn of the conversation so far, used to re-seed an engine after a reconnect. */
export interface ConversationTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface EngineSessionConfig {
  readonly callId: string;
  readonly instructions: string;
  readonly voice: string;
  readonly language: string;
  readonly tools: readonly ToolDefinition[];
  /** Format the runtime will send caller audio in (from `Engine.negotiateFormats`). */
  readonly inputFormat: AudioFormat;
  /** Format the engine must produce assistant audio in. */
  readonly outputFormat: AudioFormat;
  /** Engine-specific options from the agent (e.g. turn detection settings), validated by the engine. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Turns to restore when the session starts (empty for a new call). */
  readonly history: readonly ConversationTurn[];
  readonly logger: Logger;
  readonly clock: Clock;
}

/** A long-lived factory: configuration and capabilities, shared by every call that uses this engine. */
export interface Engine {
  readonly name: string;
  readonly capabilities: EngineCapabilities;
  /**
   * Picks the formats the engine session will use given the caller's, preferring the caller's own
   * (e.g. μ-law passthrough) so that the runtime converts nothing when it can.
   */
  negotiateFormats(caller: { readonly input: AudioFormat; readonly output: AudioFormat }): {
    readonly input: AudioFormat;
    readonly output: AudioFormat;
  };
  /** Connects one call's session. Rejects with an `AppError` when it cannot connect at all. */
  open(config: EngineSessionConfig, signal: AbortSignal): Promise<EngineSession>;
}

export type EngineEvent =
  | { readonly type: 'speech_started'; readonly atMs: number; readonly itemId: string }
  | { readonly type: 'speech_stopped'; readonly atMs: number; readonly itemId: string }
  /** Caller transcript; `final` once per user item. Partial texts may follow each other. */
  | { readonly type: 'user_transcript'; readonly atMs: number; readonly itemId: string; readonly text: string; readonly final: boolean }
  | { readonly type: 'response_started'; readonly atMs: number; readonly responseId: string }
  /** Assistant audio in the session's output format, for the assistant item `itemId`. */
  | { readonly type: 'assistant_audio'; readonly atMs: number; readonly itemId: string; readonly chunk: AudioChunk }
  | { readonly type: 'assistant_text_delta'; readonly atMs: number; readonly itemId: string; readonly delta: string }
  | { readonly type: 'assistant_text_done'; readonly atMs: number; readonly itemId: string; readonly text: string }
  | {
      readonly type: 'response_done';
      readonly atMs: number;
      readonly responseId: string;
      readonly status: 'completed' | 'cancelled' | 'incomplete' | 'failed';
      readonly usage: UsageDelta | null;
    }
  | { readonly type: 'tool_call'; readonly atMs: number; readonly callId: string; readonly name: string; readonly arguments: string }
  /** The upstream connection dropped or expired and the engine is restoring it with the conversation so far. */
  | { readonly type: 'reconnecting'; readonly atMs: number; readonly reason: string }
  | { readonly type: 'reconnected'; readonly atMs: number; readonly gapMs: number }
  /** `recoverable: false` means the session is unusable; the runtime ends the call as failed. */
  | { readonly type: 'error'; readonly atMs: number; readonly error: AppError; readonly recoverable: boolean };

export interface UsageDelta {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly inputAudioTokens: number;
  readonly outputAudioTokens: number;
}

/** One call's connection to an engine. */
export interface EngineSession {
  readonly events: TypedEmitter<EngineEvent>;
  /** Caller audio in the negotiated input format. Never blocks; buffers while (re)connecting. */
  sendAudio(chunk: AudioChunk): void;
  /**
   * Barge-in: cancel the response in progress and, with `truncation`, cut assistant item `itemId` at
   * `heardMs` (the engine clamps it to what it generated and rounds to an integer).
   */
  interrupt(params: { readonly itemId: string | null; readonly heardMs: number }): void;
  /** Returns a tool's result and asks the engine to continue speaking. */
  sendToolResult(params: { readonly callId: string; readonly output: string }): void;
  /** Asks the engine to say something now, following these instructions (e.g. the end-of-call warning). */
  say(instructions: string): void;
  /**
   * Without `serverVad`: the caller finished a turn (detected by the runtime). `itemId` is the id the
   * runtime gave that turn; an engine that can should use it as the `itemId` of the turn's
   * `user_transcript` (the runtime otherwise binds the transcript to its oldest committed turn).
   */
  commitUserTurn(itemId?: string): void;
  /** Idempotent; releases the connection. */
  close(): Promise<void>;
}

// ─── Transport ─────────────────────────────────────────────────────────────────────────────────────

export type TransportEvent =
  /** Caller audio in the transport's input format. */
  | { readonly type: 'caller_audio'; readonly atMs: number; readonly chunk: AudioChunk }
  /**
   * How much of assistant item `itemId` the caller has actually heard, in ms from that item's first
   * audio: from Twilio marks, or a client's playback report. `generation` is the transport's
   * generation when the audio was sent; reports from before a `clear` carry an older one.
   */
  | { readonly type: 'playback'; readonly atMs: number; readonly itemId: string; readonly playedMs: number; readonly generation: number }
  | { readonly type: 'dtmf'; readonly atMs: number; readonly digit: string }
  /** The caller left (hung up, closed the socket, sent end-call). */
  | { readonly type: 'hangup'; readonly atMs: number; readonly reason: string }
  | { readonly type: 'error'; readonly atMs: number; readonly error: AppError; readonly recoverable: boolean };

/** What the runtime tells the caller besides audio; each transport maps these to its wire protocol. */
export type CallerNotice =
  | { readonly type: 'call_started'; readonly callId: string }
  | { readonly type: 'user_transcript'; readonly itemId: string; readonly text: string; readonly final: boolean }
  | { readonly type: 'assistant_text_delta'; readonly itemId: string; readonly delta: string }
  | { readonly type: 'assistant_text_done'; readonly itemId: string; readonly text: string; readonly interrupted: boolean }
  /** Barge-in: stop playing now; `heardMs` is where the runtime cut the assistant item. */
  | { readonly type: 'interrupted'; readonly itemId: string; readonly heardMs: number }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly recoverable: boolean }
  | {
      readonly type: 'call_ended';
      readonly callId: string;
      readonly status: 'ended' | 'failed' | 'expired';
      readonly reason: string;
      readonly transcript: readonly { readonly role: string; readonly text: string; readonly interrupted: boolean }[];
    };

export interface TransportCapabilities {
  /** The transport reports playback positions (`playback` events); otherwise the runtime estimates from pacing. */
  readonly playbackReports: boolean;
}

/** The caller's side of one call: a Socket.IO client, a WebSocket client, a Twilio media stream. */
export interface CallTransport {
  readonly events: TypedEmitter<TransportEvent>;
  readonly capabilities: TransportCapabilities;
  /** Formats the caller sends and wants to receive. */
  readonly inputFormat: AudioFormat;
  readonly outputFormat: AudioFormat;
  /** Current playback generation; incremented by `clear()`. */
  readonly generation: number;
  /** Queues assistant audio (in `outputFormat`) for item `itemId`. */
  sendAudio(itemId: string, chunk: AudioChunk): void;
  /** Barge-in: drops every queued, unplayed byte at once and starts a new generation. */
  clear(): void;
  notify(notice: CallerNotice): void;
  /** Idempotent; closes the caller connection after flushing notices already sent. */
  close(reason: string): Promise<void>;
}

// ─── Audio observers ───────────────────────────────────────────────────────────────────────────────

/**
 * Watches a call's audio without steering it (recordings, live speech analytics). The runtime calls
 * these on the audio hot path, in the order things happen, with integer `atMs` from the call's clock:
 * an observer must not block, should allocate little per chunk, and must not keep `chunk.data` beyond
 * the call (copy or convert what it needs; the bytes may be reused by the transport afterwards).
 * The runtime catches and logs whatever an observer throws, so one faulty observer never breaks the
 * call or another observer. See docs/runtime.md.
 */
export interface CallAudioObserver {
  /**
   * Caller audio as the transport delivered it (the transport's `inputFormat`), with the time it
   * arrived. Called from the moment the call starts, including audio that arrives while the engine
   * is still connecting.
   */
  onCallerAudio(chunk: AudioChunk, atMs: number): void;
  /**
   * Agent audio of assistant item `itemId` as handed to the transport (the transport's `outputFormat`),
   * with the time it was handed over. Agent audio is sent faster than real time: it plays from
   * `max(atMs, end of the agent audio sent before it)`, unless a barge-in clears it first.
   */
  onAgentAudio(itemId: string, chunk: AudioChunk, atMs: number): void;
  /**
   * Barge-in: the transport dropped its queued agent audio at `atMs`; of item `itemId` only the first
   * `heardMs` (ms from the item's first audio) was heard, and no agent audio sent before `atMs` plays
   * beyond that point.
   */
  onAgentAudioCleared?(itemId: string, heardMs: number, atMs: number): void;
  /**
   * The call is over (at `atMs`; agent audio not played by then was never heard): flush and release.
   * Awaited before the call is reported ended, but given up after the session's `closeTimeoutMs`.
   * What it produced is stored by whoever made the observer.
   */
  close(atMs: number): Promise<void>;
}

// ─── Persistence ───────────────────────────────────────────────────────────────────────────────────

export interface FinishedTurn {
  readonly seq: number;
  readonly role: 'user' | 'assistant' | 'system' | 'tool';
  readonly text: string;
  /** Milliseconds from the call's start. */
  readonly startMs: number;
  readonly endMs: number | null;
  readonly interrupted: boolean;
}

export interface CallUsageTotals extends UsageDelta {
  readonly inputAudioMs: number;
  readonly outputAudioMs: number;
}

export interface LatencyTotals {
  readonly turns: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
}

/** Where the runtime writes what happens; implemented over the store. Every write is awaited in order. */
export interface CallSink {
  markActive(atMs: number): Promise<void>;
  /** Writes one finished turn at once, so a crash loses at most the turn in progress. */
  saveTurn(turn: FinishedTurn): Promise<void>;
  appendEvent(type: string, data: Record<string, unknown>, atMs: number): Promise<void>;
  saveMetrics(usage: CallUsageTotals, latency: LatencyTotals, atMs: number): Promise<void>;
  finish(params: {
    readonly status: 'ended' | 'failed' | 'expired';
    readonly reason: string;
    readonly usage: CallUsageTotals;
    readonly latency: LatencyTotals;
    readonly atMs: number;
  }): Promise<void>;
}

/** Runs a tool the agent called; returns the output string given back to the engine. */
export type ToolRunner = (call: { readonly name: string; readonly arguments: string }, signal: AbortSignal) => Promise<string>;
