import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { calls } from './calls.ts';
import { lifecycleColumns } from './columns.ts';
import { handlehomeCustomers } from './handlehome-customers.ts';
import { handlehomeRequests } from './handlehome-requests.ts';
import { tenants } from './tenants.ts';

/** One line of an order (`commandes[]`); prices in cents so sums are exact. */
export interface OrderLineItem {
  readonly productId: string | null;
  readonly name: string;
  readonly category: string | null;
  readonly quantity: number;
  readonly unitPriceCents: number | null;
  readonly supplements: readonly string[];
  readonly customisation: string | null;
}

/**
 * HandleHome's orders and appointments (`Order`). `date` and `time` are the tenant's wall clock
 * (`YYYY-MM-DD`, `HH:MM`, in the time zone of its business hours), always resolved: an "ASAP" from
 * the caller is kept as `date_asap` / `time_asap` beside the value it resolved to. At most one order
 * per call (`call_id` unique per tenant): the booking tool and the post-call step share it.
 */
export const handlehomeOrders = pgTable(
  'handlehome_orders',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').references(() => handlehomeCustomers.id, { onDelete: 'set null' }),
    /** The name the order was given (by the caller or staff), with or without a customer. */
    customerName: text('customer_name'),
    callId: uuid('call_id').references(() => calls.id, { onDelete: 'set null' }),
    requestId: uuid('request_id').references(() => handlehomeRequests.id, { onDelete: 'set null' }),
    date: text('date').notNull(),
    time: text('time').notNull(),
    dateAsap: boolean('date_asap').notNull().default(false),
    timeAsap: boolean('time_asap').notNull().default(false),
    durationMin: integer('duration_min').notNull(),
    type: text('type').notNull(),
    modality: text('modality').notNull(),
    partySize: integer('party_size'),
    description: text('description'),
    internalNotes: text('internal_notes'),
    items: jsonb('items').$type<OrderLineItem[]>().notNull().default([]),
    status: text('status').notNull().default('confirme'),
    origin: text('origin').notNull(),
    ...lifecycleColumns,
  },
  (t) => [
    uniqueIndex('handlehome_orders_tenant_call_key').on(t.tenantId, t.callId),
    index('handlehome_orders_tenant_date_idx').on(t.tenantId, t.date, t.time),
    index('handlehome_orders_customer_idx').on(t.customerId),
    index('handlehome_orders_request_idx').on(t.requestId),
  ],
);

export type HandlehomeOrderRow = typeof handlehomeOrders.$inferSelect;
