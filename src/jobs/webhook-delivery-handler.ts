import { z } from 'zod';
import type { WebhookDeliverer } from '../services/webhooks/deliver.ts';
import { webhookDeliveryJobKind } from '../services/webhooks/events.ts';
import { defineJobHandler, JobFailure, type BackoffPolicy, type JobHandler } from './handler.ts';

/** Retries of a delivery: 30 s, 1 min, 2 min … doubling up to 6 h, each with full jitter (about 7 h over 12 attempts). */
export const webhookBackoff: BackoffPolicy = { baseMs: 30_000, capMs: 6 * 60 * 60_000 };

/**
 * Runs `webhook-delivery` jobs: one signed POST per attempt, logged; a non-2xx or no answer is retried
 * with backoff until the job is dead; an address the policy refuses fails the job at once. Receivers
 * dedupe by the event id, which is the same on every attempt.
 */
export function webhookDeliveryHandler(deliverer: WebhookDeliverer, options: { backoff?: BackoffPolicy; timeoutMs: number }): JobHandler {
  return defineJobHandler({
    kind: webhookDeliveryJobKind,
    payload: z.object({ endpointId: z.uuid(), eventId: z.uuid() }),
    backoff: options.backoff ?? webhookBackoff,
    // The POST has its own timeout; this only catches a delivery stuck elsewhere (the database).
    timeoutMs: options.timeoutMs + 30_000,
    async run(ctx) {
      const outcome = await deliverer.deliver({
        tenantId: ctx.job.tenantId,
        endpointId: ctx.payload.endpointId,
        eventId: ctx.payload.eventId,
        jobId: ctx.job.id,
        attempt: ctx.job.attempt,
        signal: ctx.signal,
      });
      switch (outcome.kind) {
        case 'delivered':
          return { status: 'succeeded', result: { statusCode: outcome.statusCode, deliveryId: outcome.deliveryId } };
        case 'skipped':
          return { status: 'skipped', reason: outcome.reason };
        case 'failed':
          throw new JobFailure(outcome.error, { retryable: !outcome.permanent });
      }
    },
  });
}
