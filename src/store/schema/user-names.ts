import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';
import { users } from './users.ts';

/**
 * A user's first and last name, for clients that keep them apart (Lydia). The user's
 * `display_name` is kept as "first last" beside it, so the rest of the API shows the same name.
 */
export const userNames = pgTable('user_names', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  firstName: text('first_name').notNull(),
  lastName: text('last_name').notNull(),
  ...lifecycleColumns,
});

export type UserNameRow = typeof userNames.$inferSelect;
