import { index, integer, jsonb, pgEnum, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Scores, SpeechSnapshot } from '../../coaching/types.ts';
import { instant } from './columns.ts';
import { auraSessions } from './aura-sessions.ts';
import { tenants } from './tenants.ts';

export const auraAnalysisSource = pgEnum('aura_analysis_source', ['chunk', 'upload', 'stream']);

/** One analysed stretch of a session's audio: a REST chunk, an uploaded file, or an interval of the live stream. */
export const auraAnalyses = pgTable(
  'aura_analyses',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => auraSessions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    source: auraAnalysisSource('source').notNull(),
    /** Where the stretch starts in the session's audio. */
    startMs: integer('start_ms').notNull(),
    durationMs: integer('duration_ms').notNull(),
    snapshot: jsonb('snapshot').$type<SpeechSnapshot>().notNull(),
    scores: jsonb('scores').$type<Scores>().notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('aura_analyses_session_seq_key').on(t.sessionId, t.seq), index('aura_analyses_tenant_session_idx').on(t.tenantId, t.sessionId)],
);

export type AuraAnalysisRow = typeof auraAnalyses.$inferSelect;
export type AuraAnalysisSource = (typeof auraAnalysisSource.enumValues)[number];
