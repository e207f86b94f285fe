import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { AnalysisPlan } from '../../core/analysis-plan.ts';
import { lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';
import { users } from './users.ts';

/** A tool the agent may call, in the JSON Schema form the engines accept. */
export interface AgentTool {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

/** Call recording, opt-in per agent (`docs/recordings.md`). */
export interface AgentRecordingSettings {
  /** Record this agent's calls (stereo WAV: caller left, agent right). */
  readonly enabled: boolean;
  /** Days a recording is kept before the retention job deletes it. */
  readonly retentionDays: number;
  /** Also re-transcribe each recording with word timings (`/v1/audio/transcriptions`). */
  readonly transcribe: boolean;
}

export const defaultRecordingSettings: AgentRecordingSettings = { enabled: false, retentionDays: 30, transcribe: false };

export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** `null` for a tenant-wide agent; a user id for a user's own agent (e.g. their language prompt). */
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** The agent used when a call names none: one per tenant (owner null) and at most one per user. */
    isDefault: boolean('is_default').notNull().default(false),
    name: text('name').notNull(),
    instructions: text('instructions').notNull(),
    voice: text('voice').notNull(),
    language: text('language').notNull(),
    engine: text('engine').notNull(),
    engineOptions: jsonb('engine_options').$type<Record<string, unknown>>().notNull().default({}),
    tools: jsonb('tools').$type<AgentTool[]>().notNull().default([]),
    /** What is done with each call once it ends (docs/analysis.md); `{}` for nothing. */
    analysis: jsonb('analysis').$type<AnalysisPlan>().notNull().default({}),
    coaching: jsonb('coaching').$type<Record<string, unknown>>().notNull().default({}),
    recording: jsonb('recording').$type<AgentRecordingSettings>().notNull().default(defaultRecordingSettings),
    maxDurationS: integer('max_duration_s').notNull(),
    /** Seconds before the maximum duration at which the warning is spoken; 0 disables it. */
    warningBeforeEndS: integer('warning_before_end_s').notNull().default(0),
    warningMessage: text('warning_message'),
    ...lifecycleColumns,
  },
  (t) => [
    index('agents_tenant_owner_idx').on(t.tenantId, t.ownerUserId),
    uniqueIndex('agents_one_default_per_owner_key')
      .on(t.tenantId, sql`coalesce(${t.ownerUserId}, '00000000-0000-0000-0000-000000000000'::uuid)`)
      .where(sql`${t.isDefault}`),
  ],
);

export type AgentRow = typeof agents.$inferSelect;
