import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/database.ts';
import { getAgent, getTenantDefaultAgent } from '../../store/queries/agents.ts';
import { createCall, getCall } from '../../store/queries/calls.ts';
import { findPhoneNumberOwner } from '../../store/queries/phone-numbers.ts';
import { insertTelephonyCall, lockTelephonyCallForWebhook } from '../../store/queries/telephony-calls.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import type { PhoneNumberRow } from '../../store/schema/phone-numbers.ts';
import { snapshotAgent } from '../calls.ts';
import { INBOUND_STREAM_TOKEN_TTL_MS, issueStreamToken } from './stream-tokens.ts';

/** What Twilio's voice webhook says about a new call (the numbers are personal data: stored, never logged). */
export interface IncomingCall {
  readonly callSid: string;
  readonly from: string;
  readonly to: string;
}

export type IncomingCallAnswer =
  /** Bridge the call: `<Connect><Stream>` with the call id and the one-time stream token. */
  | { readonly kind: 'stream'; readonly tenantId: string; readonly callId: string; readonly streamToken: string }
  /** The number is in IVR mode: hand the call to the IVR. */
  | { readonly kind: 'ivr'; readonly tenantId: string; readonly phoneNumber: PhoneNumberRow }
  /** No tenant has this number. */
  | { readonly kind: 'unknown_number' }
  /** The tenant cannot take the call now (no agent, too many calls, this call already handled); say so in `language`. */
  | {
      readonly kind: 'unavailable';
      readonly tenantId: string;
      readonly reason: 'no_agent' | 'engine_not_configured' | 'busy' | 'already_answered';
      readonly language: string;
    };

export interface InboundCallsDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The tenant's calls in progress and the cap (`MAX_CONCURRENT_CALLS_PER_TENANT`); omit to take every call. */
  readonly concurrency?: { readonly countOpenCalls: (tenantId: string) => Promise<number>; readonly max: number };
  /** Why calls on this engine cannot run (the missing key), or null when they can; omit when every engine can. */
  readonly engineUnavailable?: (engine: string) => string | null;
}

/**
 * Answers Twilio's voice webhook: the called number picks the tenant and agent; a realtime number
 * gets a call record (channel `twilio`, inbound, the `CallSid` and both numbers beside it) and a
 * one-time stream token, all in one transaction.
 */
export class InboundCalls {
  readonly #deps: InboundCallsDeps;

  constructor(deps: InboundCallsDeps) {
    this.#deps = deps;
  }

  async answer(incoming: IncomingCall): Promise<IncomingCallAnswer> {
    const { db, logger } = this.#deps;
    const phoneNumber = await findPhoneNumberOwner(db, { number: incoming.to });
    if (!phoneNumber) {
      logger.info('incoming twilio call to an unknown number');
      return { kind: 'unknown_number' };
    }
    const tenantId = phoneNumber.tenantId;
    if (phoneNumber.mode === 'ivr') return { kind: 'ivr', tenantId, phoneNumber };
    const agent = await this.#agentOf(phoneNumber);
    if (!agent) {
      logger.warn({ tenantId, phoneNumberId: phoneNumber.id }, 'incoming twilio call refused: the number has no agent and the tenant no default agent');
      return { kind: 'unavailable', tenantId, reason: 'no_agent', language: 'en' };
    }
    const missing = this.#deps.engineUnavailable?.(agent.engine) ?? null;
    if (missing !== null) {
      // Answering with a stream would connect the caller to silence until the stream is refused.
      logger.error({ tenantId, phoneNumberId: phoneNumber.id, engine: agent.engine, reason: missing }, 'incoming twilio call refused: the agent’s engine is not configured');
      return { kind: 'unavailable', tenantId, reason: 'engine_not_configured', language: agent.language };
    }
    const retried = await this.#answerAgain(incoming.callSid, tenantId, agent.language);
    if (retried) return retried;
    if (await this.#atCapacity(tenantId)) {
      logger.warn({ tenantId }, 'incoming twilio call refused: concurrent call cap reached');
      return { kind: 'unavailable', tenantId, reason: 'busy', language: agent.language };
    }
    const { callId, streamToken } = await this.#createCall(incoming, phoneNumber, agent);
    logger.info({ tenantId, callId, phoneNumberId: phoneNumber.id }, 'incoming twilio call answered');
    return { kind: 'stream', tenantId, callId, streamToken };
  }

  async #agentOf(phoneNumber: PhoneNumberRow): Promise<AgentRow | undefined> {
    const { db } = this.#deps;
    const chosen = phoneNumber.agentId === null ? undefined : await getAgent(db, { tenantId: phoneNumber.tenantId, agentId: phoneNumber.agentId });
    return chosen ?? (await getTenantDefaultAgent(db, { tenantId: phoneNumber.tenantId }));
  }

  /**
   * The same `CallSid` again (Twilio re-requesting the voice URL): a call not yet connected gets a
   * fresh token for the same record; one already connected or over is not answered twice.
   */
  async #answerAgain(callSid: string, tenantId: string, language: string): Promise<IncomingCallAnswer | undefined> {
    const { db, clock } = this.#deps;
    return db.transaction(async (tx) => {
      const existing = await lockTelephonyCallForWebhook(tx, { callSid });
      if (!existing) return undefined;
      const call = await getCall(tx, { tenantId: existing.tenantId, callId: existing.callId });
      if (existing.tenantId !== tenantId || call?.status !== 'created') return { kind: 'unavailable' as const, tenantId, reason: 'already_answered' as const, language };
      const streamToken = await issueStreamToken(tx, { tenantId, callId: existing.callId, nowMs: clock.nowMs(), ttlMs: INBOUND_STREAM_TOKEN_TTL_MS });
      return { kind: 'stream' as const, tenantId, callId: existing.callId, streamToken };
    });
  }

  async #atCapacity(tenantId: string): Promise<boolean> {
    const cap = this.#deps.concurrency;
    return cap !== undefined && (await cap.countOpenCalls(tenantId)) >= cap.max;
  }

  async #createCall(incoming: IncomingCall, phoneNumber: PhoneNumberRow, agent: AgentRow): Promise<{ callId: string; streamToken: string }> {
    const { db, clock } = this.#deps;
    const nowMs = clock.nowMs();
    const at = new Date(nowMs);
    const tenantId = phoneNumber.tenantId;
    return db.transaction(async (tx) => {
      const call = await createCall(tx, {
        id: newId(),
        tenantId,
        userId: null,
        agentId: agent.id,
        agentSnapshot: snapshotAgent(agent),
        channel: 'twilio',
        direction: 'inbound',
        metadata: {},
        at,
      });
      await insertTelephonyCall(tx, {
        callId: call.id,
        tenantId,
        callSid: incoming.callSid,
        phoneNumberId: phoneNumber.id,
        fromNumber: incoming.from,
        toNumber: incoming.to,
        providerStatus: 'ringing',
        at,
      });
      const streamToken = await issueStreamToken(tx, { tenantId, callId: call.id, nowMs, ttlMs: INBOUND_STREAM_TOKEN_TTL_MS });
      return { callId: call.id, streamToken };
    });
  }
}
