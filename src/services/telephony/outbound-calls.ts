import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Principal } from '../../core/principal.ts';
import type { Database } from '../../store/database.ts';
import { getAgent } from '../../store/queries/agents.ts';
import { createCall, transitionCall } from '../../store/queries/calls.ts';
import { getTenantPhoneNumberByNumber, listPhoneNumbers } from '../../store/queries/phone-numbers.ts';
import { insertTelephonyCall, setTelephonyCallSid, updateTelephonyCall } from '../../store/queries/telephony-calls.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import type { PhoneNumberRow } from '../../store/schema/phone-numbers.ts';
import { snapshotAgent } from '../calls.ts';
import { issueStreamToken } from './stream-tokens.ts';
import { connectStreamTwiml } from './twiml.ts';
import type { TwilioCallsApi, TwilioRestFailure } from './twilio-rest.ts';

/** How long an outbound call rings before Twilio gives up (`no-answer`). */
export const OUTBOUND_RING_TIMEOUT_S = 30;
/** The stream token must outlive the ringing, plus Twilio's time to open the stream once answered. */
const OUTBOUND_STREAM_TOKEN_TTL_MS = (OUTBOUND_RING_TIMEOUT_S + 60) * 1000;

export interface OutboundCallRequest {
  /** E.164 number to call. */
  readonly to: string;
  readonly agentId: string;
  /** One of the tenant's numbers; default: the number of that agent, else the tenant's first realtime number. */
  readonly from?: string | undefined;
  readonly metadata?: Record<string, string> | undefined;
}

export interface PlacedCall {
  readonly callId: string;
  readonly callSid: string;
  /** Twilio's status of the new call (normally `queued`). */
  readonly status: string;
}

export interface OutboundCallsDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The Calls REST resource; `undefined` when `TWILIO_ACCOUNT_SID` or `TWILIO_AUTH_TOKEN` is not set. */
  readonly api: TwilioCallsApi | undefined;
  /** The `wss://` media stream URL Twilio connects to once the callee answers. */
  readonly streamUrl: string;
  /** `PUBLIC_URL/twilio/status`, to which `?callId=` is appended. */
  readonly statusCallbackUrl: string;
  /** `MAX_CALL_DURATION_SECONDS`: Twilio's own `TimeLimit` on the call, a safety net under the agent's limit. */
  readonly maxCallDurationS: number;
  /** Why calls on this engine cannot run (the missing key), or null when they can; omit when every engine can. */
  readonly engineUnavailable?: (engine: string) => string | null;
}

/**
 * Places phone calls through Twilio's REST API and bridges them like incoming ones: the call record
 * (outbound, channel `twilio`), its telephony row and a stream token are written first; the TwiML
 * given to Twilio is the same `<Connect><Stream>`. A refusal by Twilio fails the call and is a 502
 * `provider_error` naming Twilio's error code.
 */
export class OutboundCalls {
  readonly #deps: OutboundCallsDeps;

  constructor(deps: OutboundCallsDeps) {
    this.#deps = deps;
  }

  get configured(): boolean {
    return this.#deps.api !== undefined;
  }

  async place(principal: Principal, request: OutboundCallRequest): Promise<PlacedCall> {
    const { api } = this.#deps;
    if (api === undefined) throw new AppError('not_configured', 'Outbound calls need TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    const agent = await this.#agentFor(principal, request.agentId);
    // Checked before Twilio is asked: otherwise the callee's phone rings and they hear silence.
    const missing = this.#deps.engineUnavailable?.(agent.engine) ?? null;
    if (missing !== null) throw new AppError('engine_not_configured', missing);
    const from = await this.#fromNumber(principal.tenantId, agent.id, request.from);
    const { callId, streamToken } = await this.#createCall(principal, request, agent, from);
    const timeLimitS = Math.min(agent.maxDurationS, this.#deps.maxCallDurationS) + 60;
    const placed = await api.placeCall({
      to: request.to,
      from: from.number,
      twiml: connectStreamTwiml(this.#deps.streamUrl, { callId, streamToken }),
      statusCallback: `${this.#deps.statusCallbackUrl}?callId=${callId}`,
      timeoutS: OUTBOUND_RING_TIMEOUT_S,
      timeLimitS,
    });
    if (!placed.ok) throw await this.#failed(principal.tenantId, callId, placed.error);
    const at = new Date(this.#deps.clock.nowMs());
    await setTelephonyCallSid(this.#deps.db, { tenantId: principal.tenantId, callId, callSid: placed.value.sid, at });
    this.#deps.logger.info({ tenantId: principal.tenantId, callId }, 'outbound twilio call placed');
    return { callId, callSid: placed.value.sid, status: placed.value.status };
  }

  /**
   * Hangs a call up through the REST API (`Status=completed`), when our side ended it: the agent, the
   * duration limit, the API. Failures are logged: the stream is closed anyway, which ends `<Connect>`.
   */
  async hangUp(context: { readonly tenantId: string; readonly callId: string; readonly callSid: string; readonly reason: string }): Promise<boolean> {
    const { api, logger } = this.#deps;
    if (api === undefined) return false;
    const result = await api.hangUp(context.callSid);
    if (result.ok) {
      logger.info({ tenantId: context.tenantId, callId: context.callId, reason: context.reason }, 'twilio call hung up through the REST API');
      return true;
    }
    logger.warn({ tenantId: context.tenantId, callId: context.callId, failure: result.error.kind, code: result.error.kind === 'provider' ? result.error.code : null }, 'twilio hang-up failed');
    return false;
  }

  async #agentFor(principal: Principal, agentId: string): Promise<AgentRow> {
    const agent = await getAgent(this.#deps.db, { tenantId: principal.tenantId, agentId });
    if (!agent || (agent.ownerUserId !== null && agent.ownerUserId !== principal.userId)) throw new AppError('agent_not_found', 'Agent not found');
    return agent;
  }

  async #fromNumber(tenantId: string, agentId: string, requested: string | undefined): Promise<PhoneNumberRow> {
    const { db } = this.#deps;
    if (requested !== undefined) {
      const own = await getTenantPhoneNumberByNumber(db, { tenantId, number: requested });
      if (!own) throw new AppError('phone_number_not_found', '`from` is not one of your phone numbers');
      return own;
    }
    const numbers = await listPhoneNumbers(db, { tenantId });
    const chosen = numbers.find((n) => n.agentId === agentId) ?? numbers.find((n) => n.mode === 'realtime') ?? numbers[0];
    if (!chosen) throw new AppError('phone_number_not_found', 'You have no phone number to call from: add one with POST /v1/phone-numbers');
    return chosen;
  }

  async #createCall(principal: Principal, request: OutboundCallRequest, agent: AgentRow, from: PhoneNumberRow): Promise<{ callId: string; streamToken: string }> {
    const { db, clock } = this.#deps;
    const nowMs = clock.nowMs();
    const at = new Date(nowMs);
    return db.transaction(async (tx) => {
      const call = await createCall(tx, {
        id: newId(),
        tenantId: principal.tenantId,
        userId: principal.userId,
        agentId: agent.id,
        agentSnapshot: snapshotAgent(agent),
        channel: 'twilio',
        direction: 'outbound',
        metadata: request.metadata ?? {},
        at,
      });
      await insertTelephonyCall(tx, { callId: call.id, tenantId: principal.tenantId, callSid: null, phoneNumberId: from.id, fromNumber: from.number, toNumber: request.to, providerStatus: 'queued', at });
      const streamToken = await issueStreamToken(tx, { tenantId: principal.tenantId, callId: call.id, nowMs, ttlMs: OUTBOUND_STREAM_TOKEN_TTL_MS });
      return { callId: call.id, streamToken };
    });
  }

  /** Marks the call failed and returns the error for the client: `provider_error` with Twilio's code, or `provider_unavailable`. */
  async #failed(tenantId: string, callId: string, failure: TwilioRestFailure): Promise<AppError> {
    const { db, clock, logger } = this.#deps;
    const at = new Date(clock.nowMs());
    const code = failure.kind === 'provider' ? failure.code : null;
    const reason = failure.kind === 'unreachable' ? 'twilio_unreachable' : `twilio_error_${code ?? failure.httpStatus}`;
    await updateTelephonyCall(db, { tenantId, callId, changes: { providerStatus: 'failed', providerErrorCode: code ?? undefined }, at });
    await transitionCall(db, { tenantId, callId, to: 'failed', reason, at });
    logger.warn({ tenantId, callId, failure: failure.kind, code, httpStatus: failure.kind === 'provider' ? failure.httpStatus : null }, 'twilio refused the outbound call');
    if (failure.kind === 'unreachable') return new AppError('provider_unavailable', 'Twilio could not be reached; the call was not placed');
    return new AppError('provider_error', `Twilio refused the call${code === null ? '' : ` (error ${code})`}: ${failure.message}`);
  }
}
