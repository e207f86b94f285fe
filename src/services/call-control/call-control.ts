import { isTerminalStatus, type CallStatusValue } from '../../core/call-lifecycle.ts';
import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database, Notifications, Unlisten } from '../../store/database.ts';
import { getCall, transitionCall } from '../../store/queries/calls.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { CALL_CONTROL_CHANNEL, encodeCallControlMessage, MAX_END_REASON_LENGTH, parseCallControlMessage, type CallControlMessage } from './messages.ts';
import { PendingEnd, type HandOffResult } from './pending-end.ts';

/** The calls running in this process (the live-call registry), as call control sees them. */
export interface LiveCalls {
  /** Whether this process runs a session of the call now. */
  runs(callId: string): boolean;
  /** Ends the call's session if this process runs it, resolving once it has ended; `false` when it does not run it. */
  end(callId: string, reason: string): Promise<boolean>;
}

export interface EndCallRequest {
  readonly tenantId: string;
  readonly callId: string;
  readonly reason: string;
  /** The status the record takes when no instance ends the call through its session; default `ended`. */
  readonly fallbackStatus?: 'ended' | 'failed' | undefined;
}

export type EndCallOutcome =
  /** This process ran the call and ended it through its session (its last turn stored). */
  | { readonly kind: 'ended_here' }
  /** Another instance ran the call and ended it through its session. */
  | { readonly kind: 'ended_elsewhere' }
  /** No instance ended it through a session: the record was moved to `status` here. */
  | { readonly kind: 'ended_in_store'; readonly status: 'ended' | 'failed' }
  /** Unknown, or over already. */
  | { readonly kind: 'already_over' };

/** Ends a call wherever it runs: the port of the use cases that end calls (REST, Twilio status callbacks). */
export interface CallEnder {
  end(request: EndCallRequest): Promise<EndCallOutcome>;
}

export interface CallControlDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly liveCalls: LiveCalls;
  /** `LISTEN`/`NOTIFY` on the database every instance shares. */
  readonly notifications: Notifications;
  /** `CALL_END_WAIT_MS`: longest wait for the instance running a call to end it. */
  readonly endWaitMs: number;
  /** `CALL_END_ACK_MS`: longest wait for an instance to say it runs the call. */
  readonly endAckMs: number;
}

type EndMessage = Extract<CallControlMessage, { type: 'end' }>;

/**
 * Ends calls whichever instance receives the request (docs/calls.md). A call's session lives in one
 * instance's memory; ending it anywhere else only through the database would leave the caller talking
 * to the agent while the record says `ended`. So a call not running here is asked for on the shared
 * database's `NOTIFY` channel: the instance running it answers `ending`, ends it through its session
 * with the requested reason, then says `ended`. No answer within `endAckMs` means no instance runs it
 * (never joined, or its instance is gone); no `ended` within `endWaitMs` means its instance is stuck
 * or died. Either way the record is then ended here, as a single instance always did.
 *
 * Every instance must `start()` (subscribe) before it serves requests and `stop()` before its database
 * closes.
 */
export class CallControl implements CallEnder {
  readonly #deps: CallControlDeps;
  readonly #pending = new Map<string, PendingEnd>();
  #unlisten: Unlisten | undefined;
  #stopped = false;

  constructor(deps: CallControlDeps) {
    this.#deps = deps;
  }

  /** Subscribes to the channel: from then on this instance ends the calls it runs when asked, and hears answers. */
  async start(): Promise<void> {
    if (this.#unlisten !== undefined || this.#stopped) return;
    this.#unlisten = await this.#deps.notifications.listen(CALL_CONTROL_CHANNEL, (payload) => {
      this.#receive(payload);
    });
  }

  /** Unsubscribes. Requests still waiting for an answer stop waiting (their records are ended here). Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const pending of this.#pending.values()) pending.abandon();
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    await unlisten?.();
  }

  async end(request: EndCallRequest): Promise<EndCallOutcome> {
    const { db, liveCalls } = this.#deps;
    if (await liveCalls.end(request.callId, request.reason)) return { kind: 'ended_here' };
    const call = await getCall(db, { tenantId: request.tenantId, callId: request.callId });
    if (!call || isTerminalStatus(call.status)) return { kind: 'already_over' };
    // The classic IVR runs a call webhook by webhook: no instance holds a session of it.
    if (call.channel === 'twilio-ivr') return this.#endInStore(request, call, 'not_asked');
    const handOff = await this.#handOff(request);
    if (handOff === 'ended') return { kind: 'ended_elsewhere' };
    return this.#endInStore(request, call, handOff);
  }

  /** Asks every instance to end the call; resolves with what the one running it answered. */
  async #handOff({ callId, reason }: EndCallRequest): Promise<HandOffResult> {
    const requestId = newId();
    const pending = new PendingEnd(this.#deps.clock, { ackMs: this.#deps.endAckMs, waitMs: this.#deps.endWaitMs });
    this.#pending.set(requestId, pending);
    try {
      await this.#publish({ type: 'end', requestId, callId, reason: reason.slice(0, MAX_END_REASON_LENGTH) });
      // Not subscribed (shut down): the request went out, but no answer can be heard here.
      if (this.#unlisten === undefined) pending.abandon();
      return await pending.result;
    } finally {
      pending.abandon();
      this.#pending.delete(requestId);
    }
  }

  async #endInStore(request: EndCallRequest, before: CallRow, handOff: HandOffResult | 'not_asked'): Promise<EndCallOutcome> {
    const { db, clock, logger } = this.#deps;
    const { tenantId, callId, reason } = request;
    const status = request.fallbackStatus ?? 'ended';
    const result = await transitionCall(db, { tenantId, callId, to: status, reason, at: new Date(clock.nowMs()) });
    // Over in the meantime: ended by the instance that ran it, or by itself.
    if (!result.ok) return handOff === 'acknowledged' ? { kind: 'ended_elsewhere' } : { kind: 'already_over' };
    const fields = { tenantId, callId, status, reason, was: before.status };
    if (handOff === 'acknowledged') {
      logger.warn({ ...fields, waitMs: this.#deps.endWaitMs }, 'the instance running the call did not end it in time; its record was ended here');
    } else if (handOff === 'unanswered' && isInProgress(before.status)) {
      logger.warn({ ...fields, ackMs: this.#deps.endAckMs }, 'no instance runs this call in progress (its instance is gone?); its record was ended here');
    } else {
      logger.debug(fields, 'call not running anywhere; its record was ended here');
    }
    return { kind: 'ended_in_store', status };
  }

  /** One notification: a malformed one is logged and dropped (it is never thrown into the database client). */
  #receive(payload: string): void {
    const parsed = parseCallControlMessage(payload);
    if (!parsed.ok) {
      this.#deps.logger.warn({ problem: parsed.problem, payloadLength: payload.length }, 'malformed call control message ignored');
      return;
    }
    const { message } = parsed;
    switch (message.type) {
      case 'end':
        void this.#serve(message);
        return;
      case 'ending':
        this.#pending.get(message.requestId)?.acknowledge();
        return;
      case 'ended':
        this.#pending.get(message.requestId)?.ended();
        return;
    }
  }

  /** Another instance asks to end a call: when it runs here, answer, end it through its session, confirm. */
  async #serve({ requestId, callId, reason }: EndMessage): Promise<void> {
    const { liveCalls, logger } = this.#deps;
    if (!liveCalls.runs(callId)) return;
    await this.#publishQuietly({ type: 'ending', requestId, callId });
    let ended = false;
    try {
      ended = await liveCalls.end(callId, reason);
    } catch (error) {
      logger.error({ err: error, callId }, 'ending a call at the request of another instance failed');
    }
    if (!ended) return;
    logger.info({ callId, reason }, 'call ended at the request of another instance');
    await this.#publishQuietly({ type: 'ended', requestId, callId });
  }

  async #publish(message: CallControlMessage): Promise<void> {
    await this.#deps.notifications.notify(CALL_CONTROL_CHANNEL, encodeCallControlMessage(message));
  }

  /** An answer that cannot be sent is logged: the asking instance falls back on its own after its wait. */
  async #publishQuietly(message: CallControlMessage): Promise<void> {
    try {
      await this.#publish(message);
    } catch (error) {
      this.#deps.logger.error({ err: error, callId: message.callId, type: message.type }, 'call control answer could not be sent');
    }
  }
}

function isInProgress(status: CallStatusValue): boolean {
  return status === 'active' || status === 'ending';
}
