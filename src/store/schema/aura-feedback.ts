import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { CoachingResult } from '../../coaching/types.ts';
import { instant } from './columns.ts';
import { auraSessions } from './aura-sessions.ts';
import { tenants } from './tenants.ts';

export const auraFeedbackKind = pgEnum('aura_feedback_kind', ['realtime', 'coaching', 'report']);
export const auraFeedbackSource = pgEnum('aura_feedback_source', ['rules', 'model']);

/** Feedback given in a session: live rule items, coaching (model or rules) and the end-of-session report. */
export const auraFeedback = pgTable(
  'aura_feedback',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => auraSessions.id, { onDelete: 'cascade' }),
    kind: auraFeedbackKind('kind').notNull(),
    source: auraFeedbackSource('source').notNull(),
    fallbackReason: text('fallback_reason'),
    overallScore: integer('overall_score'),
    /** Audio position (ms of session audio) the feedback is about. */
    atMs: integer('at_ms').notNull(),
    result: jsonb('result').$type<CoachingResult>().notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('aura_feedback_tenant_session_created_idx').on(t.tenantId, t.sessionId, t.createdAt)],
);

export type AuraFeedbackRow = typeof auraFeedback.$inferSelect;
export type AuraFeedbackKind = (typeof auraFeedbackKind.enumValues)[number];
