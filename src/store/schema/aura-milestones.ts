import { jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { auraSessions } from './aura-sessions.ts';
import { tenants } from './tenants.ts';
import { users } from './users.ts';

/** A milestone a user achieved (derived from their stored sessions; stored once so it is announced once). */
export const auraMilestones = pgTable(
  'aura_milestones',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references(() => auraSessions.id, { onDelete: 'set null' }),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    data: jsonb('data').$type<Record<string, number>>().notNull(),
    achievedAt: instant('achieved_at').notNull(),
  },
  (t) => [uniqueIndex('aura_milestones_user_key').on(t.tenantId, t.userId, t.key)],
);

export type AuraMilestoneRow = typeof auraMilestones.$inferSelect;
