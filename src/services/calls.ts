import { isTerminalStatus, type CallStatusValue } from '../core/call-lifecycle.ts';
import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Principal } from '../core/principal.ts';
import type { Database } from '../store/database.ts';
import { getAgent, resolveDefaultAgent } from '../store/queries/agents.ts';
import { createCall, deleteCall, getCall, listCalls } from '../store/queries/calls.ts';
import { listTranscript } from '../store/queries/transcript-items.ts';
import type { AgentRow } from '../store/schema/agents.ts';
import type { AgentSnapshot, CallChannel, CallDirection, CallRow } from '../store/schema/calls.ts';
import type { TranscriptItemRow } from '../store/schema/transcript-items.ts';
import { resolveActingUser } from './acting-user.ts';
import type { CallEnder } from './call-control/call-control.ts';
import { DEFAULT_CALL_JOIN_WINDOW_MS, withJoinExpiry } from './call-expiry.ts';

export function snapshotAgent(agent: AgentRow): AgentSnapshot {
  return {
    id: agent.id,
    name: agent.name,
    instructions: agent.instructions,
    voice: agent.voice,
    language: agent.language,
    engine: agent.engine,
    engineOptions: agent.engineOptions,
    tools: agent.tools,
    maxDurationS: agent.maxDurationS,
    warningBeforeEndS: agent.warningBeforeEndS,
    warningMessage: agent.warningMessage,
    analysis: agent.analysis,
    recording: agent.recording,
    coaching: agent.coaching,
  };
}

export interface CreateCallParams {
  readonly agentId?: string | undefined;
  readonly userRef?: string | undefined;
  readonly channel: CallChannel;
  readonly direction?: CallDirection | undefined;
  readonly metadata?: Record<string, string> | undefined;
}

export interface ListCallsParams {
  readonly userRef?: string | undefined;
  readonly status?: CallStatusValue | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly after?: { readonly createdAt: Date; readonly id: string } | undefined;
  readonly limit: number;
}

export interface CallServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Ends a call whichever instance runs it (`CallControl`). */
  readonly callEnder: CallEnder;
  /** `CALL_JOIN_WINDOW_SECONDS` in ms: a call still `created` after it is shown as (and marked) `expired`. */
  readonly joinWindowMs?: number;
  /**
   * Releases what a deleted call kept outside the database (its recording file), after the rows are
   * gone. A failure is the caller's to see; leftovers are also swept later (docs/recordings.md).
   */
  readonly afterDelete?: (call: CallRow) => Promise<void>;
}

/** Use cases on calls shared by the HTTP routes and the realtime transports. */
export class CallService {
  readonly #deps: CallServiceDeps;

  constructor(deps: CallServiceDeps) {
    this.#deps = deps;
  }

  async create(principal: Principal, params: CreateCallParams): Promise<CallRow> {
    const { db, clock } = this.#deps;
    const user = await resolveActingUser(db, principal, params.userRef, { provision: true });
    const userId = user?.id ?? null;
    const agent =
      params.agentId === undefined
        ? await resolveDefaultAgent(db, { tenantId: principal.tenantId, userId })
        : await getAgent(db, { tenantId: principal.tenantId, agentId: params.agentId });
    if (!agent || (agent.ownerUserId !== null && agent.ownerUserId !== userId)) {
      throw new AppError('agent_not_found', params.agentId === undefined ? 'No default agent is configured' : 'Agent not found');
    }
    return createCall(db, {
      id: newId(),
      tenantId: principal.tenantId,
      userId,
      agentId: agent.id,
      agentSnapshot: snapshotAgent(agent),
      channel: params.channel,
      direction: params.direction ?? 'inbound',
      metadata: params.metadata ?? {},
      at: new Date(clock.nowMs()),
    });
  }

  /**
   * A call the principal may see: any of the tenant's for an admin, only their own for a member. A
   * call nobody joined within the join window is marked `expired` now, as it is read (lazily).
   */
  async get(principal: Principal, callId: string): Promise<CallRow> {
    const call = await getCall(this.#deps.db, { tenantId: principal.tenantId, callId });
    if (!call || (principal.role !== 'admin' && call.userId !== principal.userId)) {
      throw new AppError('call_not_found', 'Call not found');
    }
    return this.#expireIfUnjoined(call);
  }

  #expireIfUnjoined(call: CallRow): Promise<CallRow> {
    return withJoinExpiry(this.#deps.db, call, this.#deps.clock.nowMs(), this.#deps.joinWindowMs ?? DEFAULT_CALL_JOIN_WINDOW_MS);
  }

  async list(principal: Principal, params: ListCallsParams): Promise<CallRow[]> {
    const { db } = this.#deps;
    let userId: string | undefined;
    if (params.userRef !== undefined || principal.role !== 'admin') {
      const user = await resolveActingUser(db, principal, params.userRef, { provision: false });
      if (!user) return [];
      userId = user.id;
    }
    const rows = await listCalls(db, { tenantId: principal.tenantId, userId, status: params.status, from: params.from, to: params.to, after: params.after, limit: params.limit });
    const shown: CallRow[] = [];
    for (const row of rows) {
      const current = await this.#expireIfUnjoined(row);
      if (params.status === undefined || current.status === params.status) shown.push(current);
    }
    return shown;
  }

  async transcript(principal: Principal, callId: string): Promise<TranscriptItemRow[]> {
    await this.get(principal, callId);
    return listTranscript(this.#deps.db, { tenantId: principal.tenantId, callId });
  }

  /**
   * Ends a call and returns it with its transcript. Idempotent: ending an ended call returns it as it
   * is. A live call is ended through its session, in this process or the instance that runs it, which
   * stores its last turn first; only a call no instance runs is ended in the store directly.
   */
  async end(principal: Principal, callId: string, reason: string): Promise<{ call: CallRow; transcript: TranscriptItemRow[] }> {
    const { db, callEnder } = this.#deps;
    const call = await this.get(principal, callId);
    if (!isTerminalStatus(call.status)) await callEnder.end({ tenantId: principal.tenantId, callId, reason });
    const current = await this.get(principal, callId);
    return { call: current, transcript: await listTranscript(db, { tenantId: principal.tenantId, callId }) };
  }

  /** Deletes an ended call with its transcript and events; a call still in progress must be ended first. */
  async delete(principal: Principal, callId: string): Promise<void> {
    const call = await this.get(principal, callId);
    if (!isTerminalStatus(call.status)) {
      throw new AppError('call_in_progress', 'End the call before deleting it');
    }
    await deleteCall(this.#deps.db, { tenantId: principal.tenantId, callId });
    await this.#deps.afterDelete?.(call);
  }
}
