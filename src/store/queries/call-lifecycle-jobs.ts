import { isTerminalStatus, type CallStatusValue } from '../../core/call-lifecycle.ts';
import type { Executor } from '../database.ts';
import type { CallRow } from '../schema/calls.ts';
import { insertJob } from './jobs.ts';

/** The job enqueued when a call becomes active; its handler (`src/jobs/`) emits `call.started`. */
export const callStartedJobKind = 'call-started';
/** The job enqueued when a call ends, fails or expires; its handler emits `call.ended` and enqueues the post-call work. */
export const callEndedJobKind = 'call-ended';

/** What a lifecycle job carries: the transition that caused it. */
export interface CallLifecyclePayload {
  readonly callId: string;
  readonly from: CallStatusValue;
  readonly to: CallStatusValue;
  /** ISO instant of the transition. */
  readonly at: string;
}

const lifecycleMaxAttempts = 10;

/**
 * The outbox of the call state machine: called inside the transaction of a status change, it enqueues
 * the lifecycle job of a start or an end, so the change and the follow-up work commit together or not
 * at all. Each call has at most one of each (idempotency key per call).
 */
export async function enqueueLifecycleJob(tx: Executor, call: CallRow, from: CallStatusValue, at: Date): Promise<void> {
  const kind = call.status === 'active' ? callStartedJobKind : isTerminalStatus(call.status) ? callEndedJobKind : undefined;
  if (kind === undefined) return;
  const payload: CallLifecyclePayload = { callId: call.id, from, to: call.status, at: at.toISOString() };
  await insertJob(tx, {
    tenantId: call.tenantId,
    callId: call.id,
    kind,
    payload: { ...payload },
    maxAttempts: lifecycleMaxAttempts,
    runAt: at,
    idempotencyKey: `${kind}:${call.id}`,
    at,
  });
}
