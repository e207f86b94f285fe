import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { webhookEndpoints, type WebhookEndpointRow, type WebhookEventType } from '../schema/webhook-endpoints.ts';

export interface NewWebhookEndpoint {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly description: string;
  readonly events: readonly WebhookEventType[];
  readonly enabled: boolean;
  readonly secret: string;
  readonly at: Date;
}

export async function insertWebhookEndpoint(db: Executor, params: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      id: params.id,
      tenantId: params.tenantId,
      url: params.url,
      description: params.description,
      events: [...params.events],
      enabled: params.enabled,
      secret: params.secret,
      createdAt: params.at,
      updatedAt: params.at,
    })
    .returning();
  if (!row) throw new Error('insert into webhook_endpoints returned no row');
  return row;
}

export async function getWebhookEndpoint(db: Executor, params: { tenantId: string; endpointId: string }): Promise<WebhookEndpointRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, params.tenantId), eq(webhookEndpoints.id, params.endpointId)))
    .limit(1);
  return row;
}

export async function listWebhookEndpoints(db: Executor, params: { tenantId: string }): Promise<WebhookEndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, params.tenantId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

/** The tenant's enabled endpoints subscribed to `type`. */
export async function listSubscribedEndpoints(db: Executor, params: { tenantId: string; type: WebhookEventType }): Promise<WebhookEndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.tenantId, params.tenantId),
        eq(webhookEndpoints.enabled, true),
        sql`${webhookEndpoints.events} @> ${JSON.stringify([params.type])}::jsonb`,
      ),
    )
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export interface WebhookEndpointChanges {
  readonly url?: string | undefined;
  readonly description?: string | undefined;
  readonly events?: readonly WebhookEventType[] | undefined;
  readonly enabled?: boolean | undefined;
  readonly secret?: string | undefined;
  readonly previousSecret?: string | null | undefined;
  readonly previousSecretExpiresAt?: Date | null | undefined;
}

export async function updateWebhookEndpoint(
  db: Executor,
  params: { tenantId: string; endpointId: string; changes: WebhookEndpointChanges; at: Date },
): Promise<WebhookEndpointRow | undefined> {
  const { changes } = params;
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      updatedAt: params.at,
      ...(changes.url === undefined ? {} : { url: changes.url }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.events === undefined ? {} : { events: [...changes.events] }),
      ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
      ...(changes.secret === undefined ? {} : { secret: changes.secret }),
      ...(changes.previousSecret === undefined ? {} : { previousSecret: changes.previousSecret }),
      ...(changes.previousSecretExpiresAt === undefined ? {} : { previousSecretExpiresAt: changes.previousSecretExpiresAt }),
    })
    .where(and(eq(webhookEndpoints.tenantId, params.tenantId), eq(webhookEndpoints.id, params.endpointId)))
    .returning();
  return row;
}

/** Deletes the endpoint with its delivery log (cascade). */
export async function deleteWebhookEndpoint(db: Executor, params: { tenantId: string; endpointId: string }): Promise<boolean> {
  const rows = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, params.tenantId), eq(webhookEndpoints.id, params.endpointId)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}
