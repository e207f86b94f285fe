import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { Scope } from '../../core/principal.ts';
import { instant } from './columns.ts';
import { tenants } from './tenants.ts';
import { users } from './users.ts';

/**
 * A tenant's API keys. The key `sb_live_<id>_<secret>` is shown once; only the SHA-256 of its secret
 * is kept. `id` is the public lookup part (also the displayed prefix).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scopes: jsonb('scopes').$type<Scope[]>().notNull(),
    /** Hex SHA-256 of the secret part. */
    secretHash: text('secret_hash').notNull(),
    /** The admin who created it; `null` when created with the operator key or the user is gone. */
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: instant('created_at').notNull().defaultNow(),
    /** Updated at most once a minute per key. */
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId, t.createdAt)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
