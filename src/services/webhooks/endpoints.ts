import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { insertJob } from '../../store/queries/jobs.ts';
import { getWebhookDelivery, listWebhookDeliveries } from '../../store/queries/webhook-deliveries.ts';
import { getWebhookEvent } from '../../store/queries/webhook-events.ts';
import {
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from '../../store/queries/webhook-endpoints.ts';
import type { JobRow } from '../../store/schema/jobs.ts';
import type { WebhookDeliveryRow } from '../../store/schema/webhook-deliveries.ts';
import type { WebhookEndpointRow, WebhookEventType } from '../../store/schema/webhook-endpoints.ts';
import { webhookDeliveryJobKind, type WebhookDeliveryPayload } from './events.ts';
import { checkWebhookUrl, type WebhookUrlPolicy } from './url-policy.ts';

export interface WebhookEndpointInput {
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
}

/** A partial update: absent fields keep their values. */
export interface WebhookEndpointChangesInput {
  readonly url?: string | undefined;
  readonly events?: readonly WebhookEventType[] | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
}

export interface WebhookEndpointsDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly policy: WebhookUrlPolicy;
  /** Attempts of a redelivery job (`WEBHOOK_MAX_ATTEMPTS`). */
  readonly maxAttempts: number;
}

/** Default time the previous secret keeps signing after a rotation, so receivers can switch without losing events. */
export const defaultPreviousSecretValidityS = 24 * 60 * 60;

/** `whsec_` and 32 random bytes, base64url. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Managing a tenant's webhook endpoints, their secrets and their delivery log. Every call is scoped by tenant. */
export class WebhookEndpoints {
  readonly #deps: WebhookEndpointsDeps;

  constructor(deps: WebhookEndpointsDeps) {
    this.#deps = deps;
  }

  #now(): Date {
    return new Date(this.#deps.clock.nowMs());
  }

  #checkedUrl(url: string): string {
    const checked = checkWebhookUrl(url, this.#deps.policy);
    if (!checked.ok) throw new AppError('validation_failed', 'The request is invalid', { details: [{ path: 'body.url', message: checked.error }] });
    return checked.value.toString();
  }

  /** Creates an endpoint; its signing secret is in this answer only. */
  async create(tenantId: string, input: WebhookEndpointInput): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const secret = newSecret();
    const endpoint = await insertWebhookEndpoint(this.#deps.db, {
      id: newId(),
      tenantId,
      url: this.#checkedUrl(input.url),
      description: input.description ?? '',
      events: [...new Set(input.events)],
      enabled: input.enabled ?? true,
      secret,
      at: this.#now(),
    });
    return { endpoint, secret };
  }

  async list(tenantId: string): Promise<WebhookEndpointRow[]> {
    return listWebhookEndpoints(this.#deps.db, { tenantId });
  }

  async get(tenantId: string, endpointId: string): Promise<WebhookEndpointRow> {
    const endpoint = await getWebhookEndpoint(this.#deps.db, { tenantId, endpointId });
    if (!endpoint) throw new AppError('webhook_not_found', 'Webhook endpoint not found');
    return endpoint;
  }

  async update(tenantId: string, endpointId: string, changes: WebhookEndpointChangesInput): Promise<WebhookEndpointRow> {
    const row = await updateWebhookEndpoint(this.#deps.db, {
      tenantId,
      endpointId,
      at: this.#now(),
      changes: {
        url: changes.url === undefined ? undefined : this.#checkedUrl(changes.url),
        events: changes.events === undefined ? undefined : [...new Set(changes.events)],
        description: changes.description,
        enabled: changes.enabled,
      },
    });
    if (!row) throw new AppError('webhook_not_found', 'Webhook endpoint not found');
    return row;
  }

  /** Deletes the endpoint and its delivery log; its pending deliveries are skipped. */
  async delete(tenantId: string, endpointId: string): Promise<void> {
    if (!(await deleteWebhookEndpoint(this.#deps.db, { tenantId, endpointId }))) throw new AppError('webhook_not_found', 'Webhook endpoint not found');
  }

  /**
   * A new signing secret, returned this once. The previous one keeps signing beside it (a second `v1`
   * in the signature header) for `previousValidForS`; 0 retires it at once.
   */
  async rotateSecret(tenantId: string, endpointId: string, previousValidForS = defaultPreviousSecretValidityS): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const current = await this.get(tenantId, endpointId);
    const at = this.#now();
    const secret = newSecret();
    const keep = previousValidForS > 0;
    const endpoint = await updateWebhookEndpoint(this.#deps.db, {
      tenantId,
      endpointId,
      at,
      changes: {
        secret,
        previousSecret: keep ? current.secret : null,
        previousSecretExpiresAt: keep ? new Date(at.getTime() + previousValidForS * 1000) : null,
      },
    });
    if (!endpoint) throw new AppError('webhook_not_found', 'Webhook endpoint not found');
    return { endpoint, secret };
  }

  /** The endpoint's delivery log, newest first. */
  async deliveries(
    tenantId: string,
    endpointId: string,
    page: { limit: number; before?: { at: Date; id: string } | undefined; eventId?: string | undefined },
  ): Promise<WebhookDeliveryRow[]> {
    await this.get(tenantId, endpointId);
    return listWebhookDeliveries(this.#deps.db, { tenantId, endpointId, ...page });
  }

  /**
   * Sends the event of a logged delivery again, as a new delivery job with the same event id (receivers
   * that already processed it drop it). Asking twice for the same log row returns the same job.
   */
  async redeliver(tenantId: string, endpointId: string, deliveryId: string): Promise<{ job: JobRow; created: boolean }> {
    const delivery = await getWebhookDelivery(this.#deps.db, { tenantId, endpointId, deliveryId });
    if (!delivery) throw new AppError('webhook_delivery_not_found', 'Webhook delivery not found');
    const event = await getWebhookEvent(this.#deps.db, { tenantId, eventId: delivery.eventId });
    const at = this.#now();
    const payload: WebhookDeliveryPayload = { endpointId, eventId: delivery.eventId };
    return insertJob(this.#deps.db, {
      tenantId,
      callId: event?.callId ?? null,
      kind: webhookDeliveryJobKind,
      payload: { ...payload },
      maxAttempts: this.#deps.maxAttempts,
      runAt: at,
      idempotencyKey: `webhook-redelivery:${deliveryId}`,
      at,
    });
  }
}
