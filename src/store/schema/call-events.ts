import { bigserial, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { calls } from './calls.ts';
import { tenants } from './tenants.ts';

/** Append-only lifecycle log of a call: status changes, barge-ins, errors, reconnects. Never updated. */
export const callEvents = pgTable(
  'call_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [index('call_events_tenant_call_idx').on(t.tenantId, t.callId, t.id)],
);

export type CallEventRow = typeof callEvents.$inferSelect;
