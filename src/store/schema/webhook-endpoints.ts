import { boolean, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant, lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';

/** The events a webhook endpoint can subscribe to. */
export const webhookEventTypes = ['call.started', 'call.ended', 'transcript.updated', 'call.analyzed'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/**
 * A tenant's webhook receiver. The signing secret is kept as is (it signs, so it cannot be hashed) and
 * is never returned after creation or rotation. During a rotation the previous secret keeps signing too,
 * until `previous_secret_expires_at`.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    events: jsonb('events').$type<WebhookEventType[]>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: instant('previous_secret_expires_at'),
    ...lifecycleColumns,
  },
  (t) => [index('webhook_endpoints_tenant_idx').on(t.tenantId, t.createdAt)],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
