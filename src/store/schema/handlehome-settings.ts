import { integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';

/**
 * A tenant's HandleHome booking rules (docs/handlehome.md, "Availability"); no row means the
 * defaults. Opening hours and their time zone are the company's business hours (Lydia's
 * `/api/companies/:id/business-hours`), not repeated here.
 */
export const handlehomeSettings = pgTable('handlehome_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  slotMinutes: integer('slot_minutes').notNull(),
  defaultDurationMin: integer('default_duration_min').notNull(),
  /** How many active orders may overlap at any instant. */
  capacity: integer('capacity').notNull(),
  /** "As soon as possible" means now plus this many minutes. */
  asapLeadMinutes: integer('asap_lead_minutes').notNull(),
  /** ISO 3166 region for numbers said without their country code ("06 12 34 56 78" in FR). */
  defaultRegion: text('default_region').notNull(),
  ...lifecycleColumns,
});

export type HandlehomeSettingsRow = typeof handlehomeSettings.$inferSelect;
