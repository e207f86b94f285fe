import { and, eq } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import type { JsonObject } from '../schema/jobs.ts';
import type { WebhookEventType } from '../schema/webhook-endpoints.ts';
import { webhookEvents, type WebhookEventRow } from '../schema/webhook-events.ts';

export interface NewWebhookEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly type: WebhookEventType;
  readonly callId: string | null;
  readonly data: JsonObject;
  readonly dedupeKey: string | null;
  readonly at: Date;
}

/** Stores an event; with a `dedupeKey` the tenant already used, stores nothing and returns `undefined`. */
export async function insertWebhookEvent(db: Executor, params: NewWebhookEvent): Promise<WebhookEventRow | undefined> {
  const [row] = await db
    .insert(webhookEvents)
    .values({
      id: params.id,
      tenantId: params.tenantId,
      type: params.type,
      callId: params.callId,
      data: params.data,
      dedupeKey: params.dedupeKey,
      createdAt: params.at,
    })
    .onConflictDoNothing({ target: [webhookEvents.tenantId, webhookEvents.dedupeKey] })
    .returning();
  return row;
}

export async function getWebhookEvent(db: Executor, params: { tenantId: string; eventId: string }): Promise<WebhookEventRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.tenantId, params.tenantId), eq(webhookEvents.id, params.eventId)))
    .limit(1);
  return row;
}

export async function getWebhookEventByDedupeKey(db: Executor, params: { tenantId: string; dedupeKey: string }): Promise<WebhookEventRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.tenantId, params.tenantId), eq(webhookEvents.dedupeKey, params.dedupeKey)))
    .limit(1);
  return row;
}
