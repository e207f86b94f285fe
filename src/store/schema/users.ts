import { pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';

export const userRole = pgEnum('user_role', ['admin', 'member']);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** The id a tenant's own application uses for this person (Aero `userId`, a Firebase uid). */
    externalId: text('external_id'),
    email: text('email'),
    displayName: text('display_name'),
    role: userRole('role').notNull().default('member'),
    ...lifecycleColumns,
  },
  (t) => [
    uniqueIndex('users_tenant_external_id_key').on(t.tenantId, t.externalId),
    uniqueIndex('users_tenant_email_key').on(t.tenantId, t.email),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type UserRole = (typeof userRole.enumValues)[number];
