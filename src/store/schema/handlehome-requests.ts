import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { calls } from './calls.ts';
import { instant, lifecycleColumns } from './columns.ts';
import { handlehomeCustomers } from './handlehome-customers.ts';
import { tenants } from './tenants.ts';

/**
 * HandleHome's call records (`CallsData`, "requests"): what a caller wanted, written by the
 * post-call step from the validated extraction (one per call: `call_id` is unique per tenant, so a
 * re-run updates) or by hand through the API (no call). Vocabularies: `src/services/handlehome/vocabulary.ts`.
 */
export const handlehomeRequests = pgTable(
  'handlehome_requests',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    callId: uuid('call_id').references(() => calls.id, { onDelete: 'set null' }),
    customerId: uuid('customer_id').references(() => handlehomeCustomers.id, { onDelete: 'set null' }),
    /** The name the caller gave, kept even without a customer (no phone, so no customer to attach it to). */
    callerFirstName: text('caller_first_name'),
    callerLastName: text('caller_last_name'),
    /** The number the phone network reported (normalised), when it is a real one. */
    callerPhone: text('caller_phone'),
    requestType: text('request_type').notNull(),
    services: text('services'),
    description: text('description').notNull().default(''),
    status: text('status').notNull().default('nouveau'),
    /** When the request was made: the call's start, or the creation time of a manual record. */
    occurredAt: instant('occurred_at').notNull(),
    ...lifecycleColumns,
  },
  (t) => [
    uniqueIndex('handlehome_requests_tenant_call_key').on(t.tenantId, t.callId),
    index('handlehome_requests_tenant_occurred_idx').on(t.tenantId, t.occurredAt, t.id),
    index('handlehome_requests_customer_idx').on(t.customerId),
  ],
);

export type HandlehomeRequestRow = typeof handlehomeRequests.$inferSelect;
