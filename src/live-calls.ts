import type { AudioFormat } from './audio/format.ts';
import type { Clock } from './core/clock.ts';
import type { ErrorCode } from './core/errors.ts';
import { isUuid } from './core/ids.ts';
import type { Logger } from './core/logger.ts';
import { CallSession, type CallEndResult } from './runtime/call-session.ts';
import type { CallAudioObserver, Engine } from './runtime/ports.ts';
import { DEFAULT_CALL_JOIN_WINDOW_MS, expireUnjoinedCall, isUnjoined } from './services/call-expiry.ts';
import { createStoreCallSink } from './services/call-sink.ts';
import type { ToolRegistry } from './services/tools/tool-registry.ts';
import type { TranscriptUpdates } from './services/webhooks/transcript-updates.ts';
import type { LiveCalls } from './services/call-control/call-control.ts';
import type { Database } from './store/database.ts';
import type { CallChannel, CallRow } from './store/schema/calls.ts';
import { getCall, transitionCall } from './store/queries/calls.ts';
import type { CallConnector, StartCallParams, StartCallResult } from './transports/shared/call-connector.ts';

/** An engine by name, or why it cannot run here (e.g. its API key is not configured). */
export type EngineLookup = (name: string) => { readonly engine: Engine } | { readonly unavailable: string };

/** The caller's audio formats on this call's transport: what observers will be shown. */
export interface CallAudioFormats {
  /** Caller audio (`onCallerAudio`): the transport's input format. */
  readonly caller: AudioFormat;
  /** Agent audio (`onAgentAudio`): the transport's output format. */
  readonly agent: AudioFormat;
}

/**
 * The audio observers of one call (a recording, live speech analytics), chosen by the composition root
 * from the call's agent snapshot. Runs once when a caller joins, before the session starts; a rejection
 * is logged and the call runs without observers (a broken recorder never refuses a call).
 */
export type CallAudioObserverFactory = (
  call: CallRow,
  formats: CallAudioFormats,
) => readonly CallAudioObserver[] | Promise<readonly CallAudioObserver[]>;

export interface LiveCallRegistryDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly engines: EngineLookup;
  /** Upper bound on any call's length (`MAX_CALL_DURATION_SECONDS`), whatever its agent asks; unset = the agent's. */
  readonly maxCallDurationS?: number;
  /** `CALL_JOIN_WINDOW_SECONDS` in ms: a call not joined by then is marked `expired` and refused. */
  readonly joinWindowMs?: number;
  /** Observers per call; each factory's observers are added in order. Default none. */
  readonly audioObservers?: readonly CallAudioObserverFactory[];
  /** Implementations of the tools agents declare (e.g. HandleHome's booking tools); none: every tool call is answered "unknown tool". */
  readonly tools?: ToolRegistry;
  /** Saves turns and emits the per-turn `transcript.updated` webhook; without it turns are only saved. */
  readonly transcriptUpdates?: TranscriptUpdates;
}

interface StartingCall {
  endReason: string | null;
  /** The session once the start has made it, or null when the start was refused. */
  readonly settled: Promise<CallSession | null>;
}

/** Calls whose caller is a phone line: only their Twilio media stream may join them. */
const PHONE_CHANNELS: ReadonlySet<CallChannel> = new Set(['twilio', 'twilio-ivr']);

function refuse(code: ErrorCode, message: string): StartCallResult {
  return { ok: false, code, message };
}

/**
 * The calls running in this process. As a `CallConnector` it starts a call session when a caller
 * connects to a call it owns; as `LiveCalls` it ends a running call for call control (the REST API,
 * Twilio status callbacks, other instances).
 */
export class LiveCallRegistry implements CallConnector, LiveCalls {
  readonly #deps: LiveCallRegistryDeps;
  readonly #sessions = new Map<string, CallSession>();
  /** Calls whose start is under way (checks, observers): an end asked meanwhile is kept and applied at once. */
  readonly #starting = new Map<string, StartingCall>();

  constructor(deps: LiveCallRegistryDeps) {
    this.#deps = deps;
  }

  get size(): number {
    return this.#sessions.size;
  }

  async startCall(params: StartCallParams): Promise<StartCallResult> {
    const { callId } = params;
    if (!isUuid(callId)) return refuse('call_not_found', 'Call not found');
    if (this.#sessions.has(callId) || this.#starting.has(callId)) return refuse('call_already_started', 'This call is already connected');
    let settle: (session: CallSession | null) => void = () => undefined;
    const starting: StartingCall = { endReason: null, settled: new Promise((resolve) => (settle = resolve)) };
    this.#starting.set(callId, starting);
    let session: CallSession | null = null;
    try {
      const result = await this.#start(params);
      if ('session' in result) {
        session = result.session;
        // Ended while it was starting (an API request, a status callback): end it now, with that reason.
        if (starting.endReason !== null) void session.end(starting.endReason);
        return { ok: true };
      }
      return result;
    } finally {
      this.#starting.delete(callId);
      settle(session);
    }
  }

  async #start({ callId, identity, transport, carrier = 'app' }: StartCallParams): Promise<StartCallResult | { readonly session: CallSession }> {
    const { db, clock, logger, engines } = this.#deps;
    const call = await getCall(db, { tenantId: identity.tenantId, callId });
    if (!call || (identity.role !== 'admin' && call.userId !== identity.userId)) return refuse('call_not_found', 'Call not found');
    // Not "forbidden": an app client learns nothing about phone calls it may not join.
    if (PHONE_CHANNELS.has(call.channel) !== (carrier === 'twilio')) return refuse('call_not_found', 'Call not found');
    if (call.status !== 'created') return refuse('call_not_active', `This call is ${call.status} and cannot be joined`);
    const joinWindowMs = this.#deps.joinWindowMs ?? DEFAULT_CALL_JOIN_WINDOW_MS;
    if (isUnjoined(call, clock.nowMs(), joinWindowMs)) {
      await expireUnjoinedCall(db, call, clock.nowMs());
      return refuse('call_not_active', `This call was not joined within ${Math.round(joinWindowMs / 1000)} s and has expired; create a new one`);
    }
    const found = engines(call.agentSnapshot.engine);
    if ('unavailable' in found) {
      // A start that cannot succeed fails the call, so it neither waits for a caller nor holds a slot.
      await transitionCall(db, { tenantId: call.tenantId, callId, to: 'failed', reason: 'engine_not_configured', at: new Date(clock.nowMs()) });
      return refuse('engine_not_configured', found.unavailable);
    }
    const { agentSnapshot: agent } = call;
    const callLogger = logger.child({ callId, tenantId: call.tenantId, engine: agent.engine });
    const observers = await this.#observersFor(call, { caller: transport.inputFormat, agent: transport.outputFormat }, callLogger);
    const maxDurationS = Math.min(agent.maxDurationS, this.#deps.maxCallDurationS ?? Number.POSITIVE_INFINITY);
    const session = new CallSession({
      callId,
      engine: found.engine,
      transport,
      sink: createStoreCallSink({ db, tenantId: call.tenantId, callId, logger, transcriptUpdates: this.#deps.transcriptUpdates }),
      clock,
      logger: callLogger,
      observers,
      agent: {
        instructions: agent.instructions,
        voice: agent.voice,
        language: agent.language,
        tools: agent.tools,
        engineOptions: agent.engineOptions,
        maxDurationS,
        warningBeforeEndS: agent.warningBeforeEndS,
        warningMessage: agent.warningMessage,
      },
      ...(this.#deps.tools ? { toolRunner: this.#deps.tools.runnerFor({ tenantId: call.tenantId, callId, agent }) } : {}),
    });
    this.#sessions.set(callId, session);
    void session.ended.finally(() => this.#sessions.delete(callId));
    void session.start();
    return { session };
  }

  async #observersFor(call: CallRow, formats: CallAudioFormats, logger: Logger): Promise<readonly CallAudioObserver[]> {
    const observers: CallAudioObserver[] = [];
    for (const factory of this.#deps.audioObservers ?? []) {
      try {
        observers.push(...(await factory(call, formats)));
      } catch (error) {
        logger.error({ err: error }, 'call audio observer could not be created; the call goes on without it');
      }
    }
    return observers;
  }

  /** Why a call on `engine` cannot run here (the message names the missing key), or null when it can. */
  engineUnavailable(engine: string): string | null {
    const found = this.#deps.engines(engine);
    return 'unavailable' in found ? found.unavailable : null;
  }

  /** How a call running here ends (resolves once it has), or `undefined` when this process does not run it. */
  ended(callId: string): Promise<CallEndResult> | undefined {
    return this.#sessions.get(callId)?.ended;
  }

  /** Whether this process runs the call, or is starting it. */
  runs(callId: string): boolean {
    return this.#sessions.has(callId) || this.#starting.has(callId);
  }

  async end(callId: string, reason: string): Promise<boolean> {
    const session = this.#sessions.get(callId);
    if (session) {
      await session.end(reason);
      return true;
    }
    const starting = this.#starting.get(callId);
    if (!starting) return false;
    // The first reason asked wins, as for a running call; the start then ends it as soon as it exists.
    starting.endReason ??= reason;
    const started = await starting.settled;
    if (started === null) return false;
    await started.ended;
    return true;
  }

  /** Ends every running call (server shutdown); each stores its transcript first. */
  async endAll(reason: string): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.end(reason)));
  }
}
