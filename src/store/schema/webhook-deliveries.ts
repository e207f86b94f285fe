import { boolean, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { tenants } from './tenants.ts';
import { webhookEndpoints, type WebhookEventType } from './webhook-endpoints.ts';
import { webhookEvents } from './webhook-events.ts';

/** The delivery log: one row per attempt to POST an event to an endpoint. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    eventType: text('event_type').$type<WebhookEventType>().notNull(),
    /** The job that made the attempt (no foreign key: the log outlives pruned jobs). */
    jobId: uuid('job_id').notNull(),
    attempt: integer('attempt').notNull(),
    /** The receiver's HTTP status; `null` when no response came (timeout, refused, blocked address). */
    statusCode: integer('status_code'),
    succeeded: boolean('succeeded').notNull(),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    at: instant('at').notNull(),
  },
  (t) => [index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.at, t.id), index('webhook_deliveries_event_idx').on(t.eventId)],
);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
