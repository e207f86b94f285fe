import type { Database, Executor } from '../store/database.ts';
import { getCall, transitionCall } from '../store/queries/calls.ts';
import { listUnjoinedCalls } from '../store/queries/open-calls.ts';
import type { CallRow } from '../store/schema/calls.ts';

/** `CALL_JOIN_WINDOW_SECONDS` by default: how long a created call waits for its caller to connect. */
export const DEFAULT_CALL_JOIN_WINDOW_MS = 120_000;

/** The end reason of a call nobody joined within the join window. */
export const NOT_JOINED_REASON = 'not_joined';

/** How many stale calls one sweep expires at most, so that a look never turns into a long write. */
const SWEEP_LIMIT = 20;

/** Whether a call is still `created` although its join window has passed. */
export function isUnjoined(call: Pick<CallRow, 'status' | 'createdAt'>, nowMs: number, joinWindowMs: number): boolean {
  return call.status === 'created' && call.createdAt.getTime() <= nowMs - joinWindowMs;
}

/**
 * Marks a call nobody joined in time `expired` (reason `not_joined`) through the guarded state
 * machine, so that several instances looking at once cannot both write it; returns the call as it
 * now is (also when another writer got there first).
 */
export async function expireUnjoinedCall(db: Executor, call: CallRow, nowMs: number): Promise<CallRow> {
  const result = await transitionCall(db, { tenantId: call.tenantId, callId: call.id, to: 'expired', reason: NOT_JOINED_REASON, at: new Date(nowMs) });
  if (result.ok) return result.value;
  return (await getCall(db, { tenantId: call.tenantId, callId: call.id })) ?? call;
}

/** The call as it is once expiry has been applied lazily: expired if its join window has passed. */
export async function withJoinExpiry(db: Executor, call: CallRow, nowMs: number, joinWindowMs: number): Promise<CallRow> {
  return isUnjoined(call, nowMs, joinWindowMs) ? expireUnjoinedCall(db, call, nowMs) : call;
}

/**
 * Expires the tenant's calls nobody joined within the window (at most 20 per sweep, oldest first).
 * Cheap: one indexed read that usually finds nothing. `createdSince` bounds it to recent records.
 */
export async function expireUnjoinedCalls(db: Database, params: { tenantId: string; nowMs: number; joinWindowMs: number; createdSince: Date }): Promise<number> {
  const ids = await listUnjoinedCalls(db, {
    tenantId: params.tenantId,
    createdBefore: new Date(params.nowMs - params.joinWindowMs),
    createdSince: params.createdSince,
    limit: SWEEP_LIMIT,
  });
  let expired = 0;
  for (const callId of ids) {
    const result = await transitionCall(db, { tenantId: params.tenantId, callId, to: 'expired', reason: NOT_JOINED_REASON, at: new Date(params.nowMs) });
    if (result.ok) expired += 1;
  }
  return expired;
}
