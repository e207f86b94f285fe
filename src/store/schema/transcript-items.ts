import { boolean, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { calls } from './calls.ts';
import { tenants } from './tenants.ts';

export const transcriptRole = pgEnum('transcript_role', ['user', 'assistant', 'system', 'tool']);

/**
 * One finished turn. `seq` orders the conversation: a caller turn takes its number when the caller
 * starts speaking, so it sorts before the reply it triggered even if its transcript arrives later.
 */
export const transcriptItems = pgTable(
  'transcript_items',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    role: transcriptRole('role').notNull(),
    text: text('text').notNull(),
    /** Milliseconds from the call's start. */
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms'),
    interrupted: boolean('interrupted').notNull().default(false),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('transcript_items_call_seq_key').on(t.callId, t.seq),
    index('transcript_items_tenant_call_idx').on(t.tenantId, t.callId),
  ],
);

export type TranscriptItemRow = typeof transcriptItems.$inferSelect;
export type TranscriptRole = (typeof transcriptRole.enumValues)[number];
