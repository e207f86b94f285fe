import { and, desc, eq, gte, inArray, lt, lte, or, type SQL } from 'drizzle-orm';
import { predecessorsOf, type CallStatusValue } from '../../core/call-lifecycle.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Executor } from '../database.ts';
import {
  calls,
  type AgentSnapshot,
  type CallChannel,
  type CallDirection,
  type CallRow,
  type CallUsage,
  type LatencySummary,
} from '../schema/calls.ts';
import { appendCallEvent } from './call-events.ts';
import { enqueueLifecycleJob } from './call-lifecycle-jobs.ts';

export interface NewCall {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string | null;
  readonly agentId: string | null;
  readonly agentSnapshot: AgentSnapshot;
  readonly channel: CallChannel;
  readonly direction: CallDirection;
  readonly metadata: Record<string, string>;
  readonly at: Date;
}

/** Creates the call and its first lifecycle event in one transaction. */
export async function createCall(db: Executor, params: NewCall): Promise<CallRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(calls)
      .values({
        id: params.id,
        tenantId: params.tenantId,
        userId: params.userId,
        agentId: params.agentId,
        agentSnapshot: params.agentSnapshot,
        channel: params.channel,
        direction: params.direction,
        metadata: params.metadata,
        createdAt: params.at,
        updatedAt: params.at,
      })
      .returning();
    if (!row) throw new Error('insert into calls returned no row');
    await appendCallEvent(tx, { tenantId: params.tenantId, callId: params.id, type: 'call.created', at: params.at });
    return row;
  });
}

export async function getCall(db: Executor, params: { tenantId: string; callId: string }): Promise<CallRow | undefined> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, params.tenantId), eq(calls.id, params.callId)))
    .limit(1);
  return row;
}

export interface CallListFilter {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly status?: CallStatusValue | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly after?: { readonly createdAt: Date; readonly id: string } | undefined;
  readonly limit: number;
}

/** Newest first; `after` continues from the last row of the previous page (keyset pagination). */
export async function listCalls(db: Executor, filter: CallListFilter): Promise<CallRow[]> {
  const conditions: SQL[] = [eq(calls.tenantId, filter.tenantId)];
  if (filter.userId !== undefined) conditions.push(eq(calls.userId, filter.userId));
  if (filter.status !== undefined) conditions.push(eq(calls.status, filter.status));
  if (filter.from !== undefined) conditions.push(gte(calls.createdAt, filter.from));
  if (filter.to !== undefined) conditions.push(lte(calls.createdAt, filter.to));
  if (filter.after !== undefined) {
    const { createdAt, id } = filter.after;
    const before = or(lt(calls.createdAt, createdAt), and(eq(calls.createdAt, createdAt), lt(calls.id, id)));
    if (before) conditions.push(before);
  }
  return db
    .select()
    .from(calls)
    .where(and(...conditions))
    .orderBy(desc(calls.createdAt), desc(calls.id))
    .limit(filter.limit);
}

export type TransitionError =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'invalid_transition'; readonly current: CallRow };

export interface TransitionParams {
  readonly tenantId: string;
  readonly callId: string;
  readonly to: CallStatusValue;
  readonly at: Date;
  readonly reason?: string | undefined;
  readonly usage?: CallUsage | undefined;
  readonly latency?: LatencySummary | undefined;
}

/**
 * Moves a call along its state machine, guarded in the database so two racing writers cannot both
 * win. Entering `active` stamps `startedAt`; entering a terminal state stamps `endedAt`, the duration
 * and the reason. The status change is logged as a call event in the same transaction.
 */
export async function transitionCall(db: Executor, params: TransitionParams): Promise<Result<CallRow, TransitionError>> {
  return db.transaction(async (tx) => {
    const current = await getCall(tx, params);
    if (!current) return err({ kind: 'not_found' as const });
    if (!predecessorsOf(params.to).includes(current.status)) return err({ kind: 'invalid_transition' as const, current });
    const terminal = params.to === 'ended' || params.to === 'failed' || params.to === 'expired';
    const startedAt = params.to === 'active' ? params.at : current.startedAt;
    const [row] = await tx
      .update(calls)
      .set({
        status: params.to,
        updatedAt: params.at,
        ...(params.to === 'active' ? { startedAt: params.at } : {}),
        ...(terminal
          ? {
              endedAt: params.at,
              endReason: params.reason ?? null,
              durationMs: startedAt ? Math.max(0, params.at.getTime() - startedAt.getTime()) : 0,
            }
          : {}),
        ...(params.usage ? { usage: params.usage } : {}),
        ...(params.latency ? { latency: params.latency } : {}),
      })
      .where(and(eq(calls.tenantId, params.tenantId), eq(calls.id, params.callId), inArray(calls.status, predecessorsOf(params.to))))
      .returning();
    if (!row) return err({ kind: 'invalid_transition' as const, current });
    await appendCallEvent(tx, {
      tenantId: params.tenantId,
      callId: params.callId,
      type: 'call.status_changed',
      data: { from: current.status, to: params.to, ...(params.reason === undefined ? {} : { reason: params.reason }) },
      at: params.at,
    });
    // Outbox: a start or an end enqueues its lifecycle job (webhooks, post-call work) in this transaction.
    await enqueueLifecycleJob(tx, row, current.status, params.at);
    return ok(row);
  });
}

/** Stores the running usage and latency summary of a live call. */
export async function updateCallMetrics(
  db: Executor,
  params: { tenantId: string; callId: string; usage: CallUsage; latency: LatencySummary; at: Date },
): Promise<void> {
  await db
    .update(calls)
    .set({ usage: params.usage, latency: params.latency, updatedAt: params.at })
    .where(and(eq(calls.tenantId, params.tenantId), eq(calls.id, params.callId)));
}

/** Deletes the call with its transcript and events (cascade). */
export async function deleteCall(db: Executor, params: { tenantId: string; callId: string }): Promise<boolean> {
  const rows = await db
    .delete(calls)
    .where(and(eq(calls.tenantId, params.tenantId), eq(calls.id, params.callId)))
    .returning({ id: calls.id });
  return rows.length > 0;
}
