/**
 * What a call session is given: the agent's settings, the adapters, tunables, and how a call ends.
 * Kept apart from `call-session.ts` so that the session file holds behaviour only.
 */
import type { AudioFormat } from '../audio/format.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { CallAudioObserver, CallSink, CallTransport, ConversationTurn, Engine, ToolDefinition, ToolRunner } from './ports.ts';
import type { TurnDetectorOptions } from './turn-detector.ts';
import type { WritePacer } from './write-pacer.ts';

/** What the agent asks of a call (a snapshot taken when the call was created). */
export interface AgentSettings {
  readonly instructions: string;
  readonly voice: string;
  readonly language: string;
  readonly tools: readonly ToolDefinition[];
  /** Engine-specific options, validated by the engine. */
  readonly engineOptions: Readonly<Record<string, unknown>>;
  readonly maxDurationS: number;
  /** How long before `maxDurationS` the caller is warned; 0 for no warning. */
  readonly warningBeforeEndS: number;
  /** What the agent says as the warning; null for a generic notice. */
  readonly warningMessage: string | null;
}

/**
 * Caller audio kept from before the engine is open, at most: one budget for every stage a call
 * passes through before it can hear (a transport holding audio while the call is accepted, then the
 * runtime while the engine connects), so audio one stage held is never dropped by the next. A caller
 * who speaks first while a slow upstream connects (seconds, under load) is heard whole; 5 s of
 * μ-law is 40 kB.
 */
export const PRE_ENGINE_AUDIO_MS = 5000;

/** Tunables with safe defaults; see {@link defaultCallSessionOptions}. */
export interface CallSessionOptions {
  /** Caller audio kept while the engine connects ({@link PRE_ENGINE_AUDIO_MS}); older audio beyond it is dropped. */
  readonly preOpenBufferMs: number;
  /** A tool run longer than this gets an error output. */
  readonly toolTimeoutMs: number;
  /** The runtime's own turn detector, used only for engines without server VAD. */
  readonly turnDetector: Partial<TurnDetectorOptions>;
  /** First transcript sequence number (a resumed call passes the next free one). */
  readonly firstSeq: number;
  /** An engine or transport `close()` that takes longer is given up so the call still ends. */
  readonly closeTimeoutMs: number;
}

export const defaultCallSessionOptions: CallSessionOptions = {
  preOpenBufferMs: PRE_ENGINE_AUDIO_MS,
  toolTimeoutMs: 15_000,
  turnDetector: {},
  firstSeq: 0,
  closeTimeoutMs: 5000,
};

export interface CallSessionDeps {
  readonly callId: string;
  readonly engine: Engine;
  readonly transport: CallTransport;
  readonly sink: CallSink;
  readonly clock: Clock;
  /** The session logs through a child of it (`callId`, `engine`). */
  readonly logger: Logger;
  readonly agent: AgentSettings;
  readonly toolRunner?: ToolRunner;
  /** Turns to restore in the engine (empty for a new call). */
  readonly history?: readonly ConversationTurn[];
  readonly options?: Partial<CallSessionOptions>;
  /** Paces sink writes with every other call's; default the process-wide pacer. */
  readonly writePacer?: WritePacer;
  /** Watch the call's audio (recording, speech analytics); closed when the call ends. Default none. */
  readonly observers?: readonly CallAudioObserver[];
}

export type CallEndStatus = 'ended' | 'failed' | 'expired';

/** How a call ended. */
export interface CallEndResult {
  readonly status: CallEndStatus;
  readonly reason: string;
}

/** The formats each leg uses and whether the runtime converts between them. */
export interface CallAudioPlan {
  readonly engineInput: AudioFormat;
  readonly engineOutput: AudioFormat;
  readonly convertsInput: boolean;
  readonly convertsOutput: boolean;
}
