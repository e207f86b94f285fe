import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { AnalysisPlan } from '../../core/analysis-plan.ts';
import { callStatuses } from '../../core/call-lifecycle.ts';
import { instant, lifecycleColumns } from './columns.ts';
import { agents, type AgentRecordingSettings } from './agents.ts';
import { tenants } from './tenants.ts';
import { users } from './users.ts';

export const callStatus = pgEnum('call_status', callStatuses);
export const callChannel = pgEnum('call_channel', ['api', 'socketio', 'websocket', 'webrtc', 'twilio', 'twilio-ivr']);
export const callDirection = pgEnum('call_direction', ['inbound', 'outbound']);

/** The agent as it was when the call started: later edits to the agent never rewrite history. */
export interface AgentSnapshot {
  readonly id: string | null;
  readonly name: string;
  readonly instructions: string;
  readonly voice: string;
  readonly language: string;
  readonly engine: string;
  readonly engineOptions: Record<string, unknown>;
  readonly tools: readonly { name: string; description: string; parameters: Record<string, unknown> }[];
  readonly maxDurationS: number;
  readonly warningBeforeEndS: number;
  readonly warningMessage: string | null;
  /** The agent's post-call analysis plan; absent in calls stored before plans were snapshotted. */
  readonly analysis?: AnalysisPlan | undefined;
  /** The agent's `coaching` (docs/aura.md); absent in older snapshots: off. */
  readonly coaching?: Record<string, unknown>;
  /** Absent in snapshots taken before recordings existed: not recorded. */
  readonly recording?: AgentRecordingSettings;
}

/** Token and audio usage reported by the engine, summed over the call. */
export interface CallUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly inputAudioTokens: number;
  readonly outputAudioTokens: number;
  readonly inputAudioMs: number;
  readonly outputAudioMs: number;
}

/** Per-turn latency (end of caller speech → first agent audio sent) summarised over the call. */
export interface LatencySummary {
  readonly turns: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
}

export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    agentSnapshot: jsonb('agent_snapshot').$type<AgentSnapshot>().notNull(),
    channel: callChannel('channel').notNull(),
    direction: callDirection('direction').notNull().default('inbound'),
    status: callStatus('status').notNull().default('created'),
    startedAt: instant('started_at'),
    endedAt: instant('ended_at'),
    endReason: text('end_reason'),
    durationMs: integer('duration_ms'),
    usage: jsonb('usage').$type<CallUsage>(),
    latency: jsonb('latency').$type<LatencySummary>(),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    ...lifecycleColumns,
  },
  (t) => [
    index('calls_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('calls_tenant_user_created_idx').on(t.tenantId, t.userId, t.createdAt),
  ],
);

export type CallRow = typeof calls.$inferSelect;
export type CallStatus = (typeof callStatus.enumValues)[number];
export type CallChannel = (typeof callChannel.enumValues)[number];
export type CallDirection = (typeof callDirection.enumValues)[number];
