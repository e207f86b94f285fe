import { index, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { calls } from './calls.ts';
import type { JsonObject } from './jobs.ts';
import { tenants } from './tenants.ts';
import type { WebhookEventType } from './webhook-endpoints.ts';

/**
 * One event as it was emitted, delivered to every endpoint subscribed at that moment. A redelivery
 * sends the same body and id. `dedupe_key` (unique per tenant) makes emitting the same fact twice one event.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    type: text('type').$type<WebhookEventType>().notNull(),
    /** The call it is about; deleting the call deletes its events (they may hold its transcript). */
    callId: uuid('call_id').references(() => calls.id, { onDelete: 'cascade' }),
    data: jsonb('data').$type<JsonObject>().notNull(),
    dedupeKey: text('dedupe_key'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [unique('webhook_events_tenant_dedupe_key').on(t.tenantId, t.dedupeKey), index('webhook_events_call_idx').on(t.callId)],
);

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
