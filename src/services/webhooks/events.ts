import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Executor } from '../../store/database.ts';
import { insertJob } from '../../store/queries/jobs.ts';
import { listSubscribedEndpoints } from '../../store/queries/webhook-endpoints.ts';
import { getWebhookEventByDedupeKey, insertWebhookEvent } from '../../store/queries/webhook-events.ts';
import type { JsonObject } from '../../store/schema/jobs.ts';
import type { WebhookEventType } from '../../store/schema/webhook-endpoints.ts';
import type { WebhookEventRow } from '../../store/schema/webhook-events.ts';

/** The job that POSTs one event to one endpoint (handler in `src/jobs/`). */
export const webhookDeliveryJobKind = 'webhook-delivery';

/** What a delivery job carries. */
export interface WebhookDeliveryPayload {
  readonly endpointId: string;
  readonly eventId: string;
}

/** An event to send to the tenant's subscribed endpoints. */
export interface WebhookEventInput {
  readonly type: WebhookEventType;
  /** The call it is about, if any: its delivery jobs show among the call's jobs. */
  readonly callId?: string | null | undefined;
  readonly data: JsonObject;
  /**
   * Emitting the same fact twice (a job run again) must not send it twice: give the fact a key, such as
   * `call.analyzed:<callId>`, and a second emit with it does nothing. Unique per tenant.
   */
  readonly dedupeKey?: string | undefined;
}

/** The JSON body every receiver gets. */
export interface WebhookEventBody {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly createdAt: string;
  readonly tenantId: string;
  readonly callId: string | null;
  readonly data: JsonObject;
}

export function eventBody(event: WebhookEventRow): WebhookEventBody {
  return { id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), tenantId: event.tenantId, callId: event.callId, data: event.data };
}

export interface EmittedEvent {
  /** The event's id; `null` when no endpoint is subscribed (nothing is stored). */
  readonly eventId: string | null;
  /** Delivery jobs enqueued: one per subscribed, enabled endpoint; 0 for an event already emitted. */
  readonly deliveries: number;
}

/** Emits webhook events: stores each with a delivery job per subscribed endpoint. */
export class WebhookEvents {
  readonly #deps: { readonly clock: Clock; readonly maxAttempts: number };

  constructor(deps: { clock: Clock; maxAttempts: number }) {
    this.#deps = deps;
  }

  /**
   * Stores the event and enqueues its deliveries inside `tx`, the transaction of the change it reports,
   * so the change and its webhooks commit together. Use only `tx` inside a transaction (PGlite has a
   * single connection: a query on the outer handle would wait for the transaction forever).
   */
  async emitEvent(tx: Executor, tenantId: string, event: WebhookEventInput): Promise<EmittedEvent> {
    const endpoints = await listSubscribedEndpoints(tx, { tenantId, type: event.type });
    if (endpoints.length === 0) return { eventId: null, deliveries: 0 };
    const at = new Date(this.#deps.clock.nowMs());
    const callId = event.callId ?? null;
    const stored = await insertWebhookEvent(tx, { id: newId(), tenantId, type: event.type, callId, data: event.data, dedupeKey: event.dedupeKey ?? null, at });
    if (!stored) {
      const existing = event.dedupeKey === undefined ? undefined : await getWebhookEventByDedupeKey(tx, { tenantId, dedupeKey: event.dedupeKey });
      return { eventId: existing?.id ?? null, deliveries: 0 };
    }
    for (const endpoint of endpoints) {
      const payload: WebhookDeliveryPayload = { endpointId: endpoint.id, eventId: stored.id };
      await insertJob(tx, {
        tenantId,
        callId,
        kind: webhookDeliveryJobKind,
        payload: { ...payload },
        maxAttempts: this.#deps.maxAttempts,
        runAt: at,
        idempotencyKey: `webhook:${endpoint.id}:${stored.id}`,
        at,
      });
    }
    return { eventId: stored.id, deliveries: endpoints.length };
  }
}
