import { z } from 'zod';
import type { WebhookEvents } from '../services/webhooks/events.ts';
import type { Executor } from '../store/database.ts';
import { callEndedJobKind, callStartedJobKind } from '../store/queries/call-lifecycle-jobs.ts';
import { getCall } from '../store/queries/calls.ts';
import { listTranscript } from '../store/queries/transcript-items.ts';
import type { CallRow } from '../store/schema/calls.ts';
import { callEndedData, callStartedData, finalTranscriptData } from './call-event-data.ts';
import { defineJobHandler, type JobHandler } from './handler.ts';

/**
 * Post-call work to start when a call ends: runs inside the transaction that completes the call's
 * `call-ended` job, so what it enqueues (with `enqueue(tx, …)` and an idempotency key) is enqueued
 * exactly once. Use only `tx`.
 */
export type CallEndedStep = (tx: Executor, call: CallRow, at: Date) => Promise<void>;

const lifecyclePayload = z.object({ callId: z.uuid(), from: z.string(), to: z.string(), at: z.iso.datetime({ offset: true }) });

/**
 * The handlers of the call lifecycle jobs the store enqueues with each start and end
 * (`src/store/queries/call-lifecycle-jobs.ts`): emit `call.started` / `call.ended` (and the final
 * `transcript.updated`) to the webhooks and run the call-ended steps, all in the transaction that records the job's success.
 */
export function callLifecycleHandlers(deps: { webhooks: WebhookEvents; onCallEnded?: readonly CallEndedStep[] }): JobHandler[] {
  const started = defineJobHandler({
    kind: callStartedJobKind,
    payload: lifecyclePayload,
    async run(ctx) {
      const call = await getCall(ctx.db, { tenantId: ctx.job.tenantId, callId: ctx.payload.callId });
      if (!call) return { status: 'skipped', reason: 'the call was deleted' };
      return ctx.commit(async (tx) => {
        const emitted = await deps.webhooks.emitEvent(tx, call.tenantId, {
          type: 'call.started',
          callId: call.id,
          data: callStartedData(call),
          dedupeKey: `call.started:${call.id}`,
        });
        return { status: 'succeeded', result: { eventId: emitted.eventId, deliveries: emitted.deliveries } };
      });
    },
  });
  const ended = defineJobHandler({
    kind: callEndedJobKind,
    payload: lifecyclePayload,
    async run(ctx) {
      const scope = { tenantId: ctx.job.tenantId, callId: ctx.payload.callId };
      const call = await getCall(ctx.db, scope);
      if (!call) return { status: 'skipped', reason: 'the call was deleted' };
      const transcript = await listTranscript(ctx.db, scope);
      const at = new Date(ctx.clock.nowMs());
      return ctx.commit(async (tx) => {
        const emitted = await deps.webhooks.emitEvent(tx, call.tenantId, {
          type: 'call.ended',
          callId: call.id,
          data: callEndedData(call, transcript),
          dedupeKey: `call.ended:${call.id}`,
        });
        // The final transcript, once per ended call (the per-turn events come from the live call's sink).
        await deps.webhooks.emitEvent(tx, call.tenantId, {
          type: 'transcript.updated',
          callId: call.id,
          data: finalTranscriptData(call, transcript),
          dedupeKey: `transcript.updated:${call.id}:final`,
        });
        for (const step of deps.onCallEnded ?? []) await step(tx, call, at);
        return { status: 'succeeded', result: { eventId: emitted.eventId, deliveries: emitted.deliveries } };
      });
    },
  });
  return [started, ended];
}
