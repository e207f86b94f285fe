import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { webhookDeliveries, type WebhookDeliveryRow } from '../schema/webhook-deliveries.ts';

export type NewWebhookDelivery = Omit<WebhookDeliveryRow, 'at'> & { readonly at: Date };

/** Appends one attempt to the delivery log. */
export async function insertWebhookDelivery(db: Executor, params: NewWebhookDelivery): Promise<WebhookDeliveryRow> {
  const [row] = await db.insert(webhookDeliveries).values(params).returning();
  if (!row) throw new Error('insert into webhook_deliveries returned no row');
  return row;
}

export async function getWebhookDelivery(
  db: Executor,
  params: { tenantId: string; endpointId: string; deliveryId: string },
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, params.tenantId), eq(webhookDeliveries.endpointId, params.endpointId), eq(webhookDeliveries.id, params.deliveryId)))
    .limit(1);
  return row;
}

/** An endpoint's delivery log, newest first; `before` continues after the last row of the previous page. */
export async function listWebhookDeliveries(
  db: Executor,
  params: { tenantId: string; endpointId: string; eventId?: string | undefined; before?: { at: Date; id: string } | undefined; limit: number },
): Promise<WebhookDeliveryRow[]> {
  const conditions: SQL[] = [eq(webhookDeliveries.tenantId, params.tenantId), eq(webhookDeliveries.endpointId, params.endpointId)];
  if (params.eventId !== undefined) conditions.push(eq(webhookDeliveries.eventId, params.eventId));
  if (params.before !== undefined) {
    const { at, id } = params.before;
    const older = or(lt(webhookDeliveries.at, at), and(eq(webhookDeliveries.at, at), lt(webhookDeliveries.id, id)));
    if (older) conditions.push(older);
  }
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.at), desc(webhookDeliveries.id))
    .limit(params.limit);
}
