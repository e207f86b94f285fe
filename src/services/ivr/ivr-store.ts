import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { appendCallEvent } from '../../store/queries/call-events.ts';
import { createCall, getCall, transitionCall } from '../../store/queries/calls.ts';
import { getTelephonyCall, insertTelephonyCall, lockTelephonyCallForWebhook } from '../../store/queries/telephony-calls.ts';
import { listTranscript, upsertTranscriptItem } from '../../store/queries/transcript-items.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import type { TranscriptItemRow } from '../../store/schema/transcript-items.ts';
import { snapshotAgent } from '../calls.ts';

/** The phone side of an IVR call as Twilio reported it on the voice webhook. */
export interface IvrPhoneCall {
  readonly callSid: string;
  readonly from: string;
  readonly to: string;
  readonly phoneNumberId: string | null;
}

/** A call with what a turn needs: its row, its `CallSid` and its transcript so far. */
export interface IvrCallState {
  readonly call: CallRow;
  readonly callSid: string | null;
  readonly transcript: readonly TranscriptItemRow[];
}

/**
 * The IVR's writes, each a small use of the shared call queries: a call is a `calls` row (channel
 * `twilio-ivr`) with a `telephony_calls` row (so the status callback finds it by `CallSid`), its
 * turns are transcript items in `seq` order, and what the IVR decided is logged as call events.
 */
export class IvrStore {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { readonly db: Database; readonly clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  now(): Date {
    return new Date(this.#clock.nowMs());
  }

  /** Creates the call (inbound, `twilio-ivr`, status `created`) and its telephony row in one transaction. */
  async createCall(params: { readonly tenantId: string; readonly agent: AgentRow; readonly phone: IvrPhoneCall }): Promise<CallRow> {
    const at = this.now();
    const id = newId();
    return this.#db.transaction(async (tx) => {
      const call = await createCall(tx, {
        id,
        tenantId: params.tenantId,
        userId: null,
        agentId: params.agent.id,
        agentSnapshot: snapshotAgent(params.agent),
        channel: 'twilio-ivr',
        direction: 'inbound',
        metadata: { mode: 'ivr' },
        at,
      });
      await insertTelephonyCall(tx, {
        callId: id,
        tenantId: params.tenantId,
        callSid: params.phone.callSid,
        phoneNumberId: params.phone.phoneNumberId,
        fromNumber: params.phone.from,
        toNumber: params.phone.to,
        providerStatus: 'ringing',
        at,
      });
      return call;
    });
  }

  async load(tenantId: string, callId: string): Promise<IvrCallState | undefined> {
    const call = await getCall(this.#db, { tenantId, callId });
    if (!call) return undefined;
    const [telephony, transcript] = await Promise.all([getTelephonyCall(this.#db, { tenantId, callId }), listTranscript(this.#db, { tenantId, callId })]);
    return { call, callSid: telephony?.callSid ?? null, transcript };
  }

  /** The call Twilio already announced with this `CallSid` (a re-requested voice webhook), if any. */
  async findByCallSid(callSid: string): Promise<IvrCallState | undefined> {
    const telephony = await this.#db.transaction((tx) => lockTelephonyCallForWebhook(tx, { callSid }));
    return telephony ? this.load(telephony.tenantId, telephony.callId) : undefined;
  }

  /** `created` → `active` (the greeting is about to play); stamps `startedAt`. */
  async activate(call: CallRow): Promise<CallRow> {
    const result = await transitionCall(this.#db, { tenantId: call.tenantId, callId: call.id, to: 'active', at: this.now() });
    return result.ok ? result.value : call;
  }

  /** Ends the call with a reason; a call already ended stays as it is (idempotent). */
  async end(call: CallRow, reason: string): Promise<void> {
    await transitionCall(this.#db, { tenantId: call.tenantId, callId: call.id, to: 'ended', reason, at: this.now() });
  }

  /**
   * Appends turns after the last stored one, each written at once (one statement per turn, so a
   * caller's words are kept even if the reply then fails). Returns the transcript with them.
   */
  async appendTurns(
    state: IvrCallState,
    turns: readonly { readonly role: 'user' | 'assistant'; readonly text: string }[],
  ): Promise<IvrCallState> {
    const added: TranscriptItemRow[] = [];
    let seq = (state.transcript.at(-1)?.seq ?? -1) + 1;
    for (const turn of turns) {
      const at = this.now();
      const startedAt = state.call.startedAt ?? state.call.createdAt;
      const offsetMs = Math.max(0, at.getTime() - startedAt.getTime());
      const item = { tenantId: state.call.tenantId, callId: state.call.id, seq, role: turn.role, text: turn.text, startMs: offsetMs, endMs: null, interrupted: false };
      await upsertTranscriptItem(this.#db, item);
      added.push({ ...item, id: '', createdAt: at });
      seq += 1;
    }
    return { ...state, transcript: [...state.transcript, ...added] };
  }

  async event(call: CallRow, type: string, data: Record<string, unknown>): Promise<void> {
    await appendCallEvent(this.#db, { tenantId: call.tenantId, callId: call.id, type, data, at: this.now() });
  }
}
