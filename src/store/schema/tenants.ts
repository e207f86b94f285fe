import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { lifecycleColumns } from './columns.ts';

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  /** Stable, URL-safe handle, unique across the server. */
  slug: text('slug').notNull().unique(),
  ...lifecycleColumns,
});

export type TenantRow = typeof tenants.$inferSelect;
