import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { CoachingResult, SpeechSnapshot } from '../../coaching/types.ts';
import { instant } from './columns.ts';
import { calls } from './calls.ts';
import { tenants } from './tenants.ts';

/** The caller's speech analysis of a live call with coaching on, stored when the call ends. */
export const callCoachingReports = pgTable('call_coaching_reports', {
  callId: uuid('call_id')
    .primaryKey()
    .references(() => calls.id, { onDelete: 'cascade' }),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  language: text('language').notNull(),
  /** The analyser's full report (`SpeechReport`, docs/speech-analysis.md). */
  analysis: jsonb('analysis').$type<Record<string, unknown>>().notNull(),
  snapshot: jsonb('snapshot').$type<SpeechSnapshot>().notNull(),
  coaching: jsonb('coaching').$type<CoachingResult>().notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
});

export type CallCoachingReportRow = typeof callCoachingReports.$inferSelect;
