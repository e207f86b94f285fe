import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { Scores, SpeechSnapshot } from '../../coaching/types.ts';
import { instant, lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';
import { users } from './users.ts';

export const auraSessionStatus = pgEnum('aura_session_status', ['active', 'paused', 'completed', 'expired', 'cancelled', 'error']);
export const auraSessionType = pgEnum('aura_session_type', ['practice', 'presentation', 'training', 'live_coaching', 'evaluation']);
export const auraLanguage = pgEnum('aura_language', ['fr', 'en']);

/** A session's settings (docs/aura.md: what each does here). */
export interface AuraSessionConfig {
  readonly maxDurationS: number;
  /** Seconds of audio between two live feedback messages. */
  readonly feedbackFrequencyS: number;
  readonly realTimeFeedback: boolean;
  readonly aiCoaching: boolean;
  readonly detailedAnalysis: boolean;
  readonly storeAudio: boolean;
  readonly shareAnalytics: boolean;
}

/** Running totals, updated as audio is analysed. */
export interface AuraSessionState {
  readonly chunks: number;
  readonly analysedMs: number;
  readonly speechMs: number;
}

/** One user's practice session, with its settings, totals and latest whole-session measurements. */
export const auraSessions = pgTable(
  'aura_sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title'),
    description: text('description'),
    sessionType: auraSessionType('session_type').notNull(),
    language: auraLanguage('language').notNull(),
    status: auraSessionStatus('status').notNull().default('active'),
    config: jsonb('config').$type<AuraSessionConfig>().notNull(),
    state: jsonb('state').$type<AuraSessionState>().notNull(),
    /** Measurements over the whole session (all its analysed audio), `null` before any. */
    snapshot: jsonb('snapshot').$type<SpeechSnapshot>(),
    scores: jsonb('scores').$type<Scores>(),
    /** Overall score, 0–100, duplicated from `scores` for ordering and progress queries. */
    overallScore: integer('overall_score'),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    startedAt: instant('started_at'),
    endedAt: instant('ended_at'),
    expiresAt: instant('expires_at').notNull(),
    ...lifecycleColumns,
  },
  (t) => [index('aura_sessions_tenant_user_created_idx').on(t.tenantId, t.userId, t.createdAt)],
);

export type AuraSessionRow = typeof auraSessions.$inferSelect;
export type AuraSessionStatus = (typeof auraSessionStatus.enumValues)[number];
export type AuraSessionType = (typeof auraSessionType.enumValues)[number];
