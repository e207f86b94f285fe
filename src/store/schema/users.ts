import { sql } from 'drizzle-orm';
import { integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
    /** Always stored normalised (trimmed, lower case), so equality is case-insensitive. */
    email: text('email'),
    displayName: text('display_name'),
    role: userRole('role').notNull().default('member'),
    /** PHC-style scrypt hash (`$scrypt$ln=…,r=…,p=…$salt$hash`); `null` for users who cannot log in with a password. */
    passwordHash: text('password_hash'),
    /**
     * Carried in access tokens as `sv`; raising it (password change, "log out everywhere") refuses every
     * access token issued before, without waiting for them to expire.
     */
    sessionVersion: integer('session_version').notNull().default(0),
    ...lifecycleColumns,
  },
  (t) => [
    uniqueIndex('users_tenant_external_id_key').on(t.tenantId, t.externalId),
    uniqueIndex('users_tenant_email_key').on(t.tenantId, t.email),
    // Login takes an email and no tenant, so an email names at most one account with a password.
    uniqueIndex('users_login_email_key').on(t.email).where(sql`${t.passwordHash} is not null`),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type UserRole = (typeof userRole.enumValues)[number];
