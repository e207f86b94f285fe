import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { insertWebhookDelivery } from '../../store/queries/webhook-deliveries.ts';
import { getWebhookEndpoint } from '../../store/queries/webhook-endpoints.ts';
import { getWebhookEvent } from '../../store/queries/webhook-events.ts';
import { eventBody } from './events.ts';
import { postJson } from './http-post.ts';
import { attemptHeader, eventIdHeader, eventTypeHeader, signatureHeader, signatureHeaderValue } from './signature.ts';
import { checkWebhookUrl, type WebhookUrlPolicy } from './url-policy.ts';

export interface WebhookDelivererDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly policy: WebhookUrlPolicy;
  /** Bound on one attempt, connection to last byte (`WEBHOOK_TIMEOUT_MS`). */
  readonly timeoutMs: number;
}

export interface DeliveryAttempt {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
}

export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly statusCode: number; readonly deliveryId: string }
  /** Nothing was sent: the endpoint was deleted or disabled, or the event deleted with its call. */
  | { readonly kind: 'skipped'; readonly reason: string }
  /** Sent and refused, or not sent; `permanent` when retrying cannot help (the address is not allowed). */
  | { readonly kind: 'failed'; readonly error: string; readonly permanent: boolean; readonly deliveryId: string };

const userAgent = 'Switchboard-Webhooks/1';

/** Makes one signed delivery attempt and writes it to the delivery log. */
export class WebhookDeliverer {
  readonly #deps: WebhookDelivererDeps;

  constructor(deps: WebhookDelivererDeps) {
    this.#deps = deps;
  }

  async deliver(attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
    const { db, clock, policy } = this.#deps;
    const scope = { tenantId: attempt.tenantId };
    const endpoint = await getWebhookEndpoint(db, { ...scope, endpointId: attempt.endpointId });
    if (!endpoint) return { kind: 'skipped', reason: 'the endpoint was deleted' };
    if (!endpoint.enabled) return { kind: 'skipped', reason: 'the endpoint is disabled' };
    const event = await getWebhookEvent(db, { ...scope, eventId: attempt.eventId });
    if (!event) return { kind: 'skipped', reason: 'the event was deleted (with its call)' };

    const body = JSON.stringify(eventBody(event));
    const startedMs = clock.nowMs();
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret !== null && (endpoint.previousSecretExpiresAt?.getTime() ?? 0) > startedMs) secrets.push(endpoint.previousSecret);
    const checked = checkWebhookUrl(endpoint.url, policy);
    const outcome = checked.ok
      ? await postJson(
          checked.value,
          body,
          {
            'content-type': 'application/json',
            'user-agent': userAgent,
            [signatureHeader]: signatureHeaderValue(secrets, Math.floor(startedMs / 1000), body),
            [eventIdHeader]: event.id,
            [eventTypeHeader]: event.type,
            [attemptHeader]: String(attempt.attempt),
          },
          { allowPrivateNetworks: policy.allowPrivateNetworks, timeoutMs: this.#deps.timeoutMs, signal: attempt.signal, clock },
        )
      : { statusCode: null, error: `the endpoint URL ${checked.error}`, blocked: true };
    const finishedMs = clock.nowMs();
    const statusCode = outcome.error === null ? outcome.statusCode : null;
    const row = await insertWebhookDelivery(db, {
      id: newId(),
      tenantId: attempt.tenantId,
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: event.type,
      jobId: attempt.jobId,
      attempt: attempt.attempt,
      statusCode: outcome.statusCode,
      succeeded: statusCode !== null,
      durationMs: Math.max(0, finishedMs - startedMs),
      error: outcome.error,
      at: new Date(finishedMs),
    });
    if (statusCode !== null) return { kind: 'delivered', statusCode, deliveryId: row.id };
    return { kind: 'failed', error: outcome.error ?? 'no response', permanent: outcome.blocked, deliveryId: row.id };
  }
}
