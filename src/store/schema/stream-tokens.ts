import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { calls } from './calls.ts';
import { tenants } from './tenants.ts';

/**
 * One-time tokens that let a media stream join its call (Twilio passes them back as a `<Parameter>`).
 * Only the SHA-256 of the token is stored; a token works once, for its own call, until `expires_at`.
 */
export const streamTokens = pgTable(
  'stream_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    /** Hex SHA-256 of the token; the token itself is never stored or logged. */
    tokenHash: text('token_hash').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [uniqueIndex('stream_tokens_token_hash_key').on(t.tokenHash), index('stream_tokens_call_idx').on(t.callId)],
);

export type StreamTokenRow = typeof streamTokens.$inferSelect;
