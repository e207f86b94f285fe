import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { lifecycleColumns } from './columns.ts';
import { agents } from './agents.ts';
import { tenants } from './tenants.ts';

/** How a number answers: a real-time voice agent over a media stream, or the classic TwiML IVR. */
export const phoneNumberModes = ['realtime', 'ivr'] as const;
export const phoneNumberMode = pgEnum('phone_number_mode', phoneNumberModes);

/**
 * The phone numbers a tenant answers. A call to `number` (E.164) belongs to `tenant_id` and runs
 * `agent_id` (or, when it is null or that agent is deleted, the tenant's default agent). A number
 * belongs to at most one tenant on the whole server: the unique index is what routes an incoming call.
 */
export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** E.164, `+` and digits only. Personal data of the tenant's business, never logged. */
    number: text('number').notNull(),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    mode: phoneNumberMode('mode').notNull().default('realtime'),
    label: text('label'),
    ...lifecycleColumns,
  },
  (t) => [uniqueIndex('phone_numbers_number_key').on(t.number), index('phone_numbers_tenant_idx').on(t.tenantId, t.createdAt)],
);

export type PhoneNumberRow = typeof phoneNumbers.$inferSelect;
export type PhoneNumberMode = (typeof phoneNumberModes)[number];
