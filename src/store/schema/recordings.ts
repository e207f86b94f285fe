import { bigint, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { calls } from './calls.ts';
import { instant, lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';

/**
 * recording (being written) → ready | failed; any → deleted (retention or an API request; the row
 * stays as the record that the file existed and was removed).
 */
export const recordingStatuses = ['recording', 'ready', 'failed', 'deleted'] as const;
export const recordingStatus = pgEnum('recording_status', recordingStatuses);

/** A word of a re-transcription, in seconds from the start of the recording. */
export interface RecordingWord {
  readonly word: string;
  readonly startS: number;
  readonly endS: number;
}

/** The word-timed transcript of one channel of a recording. */
export interface RecordingChannelTranscript {
  readonly channel: 'caller' | 'agent';
  readonly text: string;
  readonly language: string | null;
  readonly durationS: number | null;
  readonly words: readonly RecordingWord[];
}

/** A recording's re-transcription (`recording.transcribe` job). */
export interface RecordingTranscript {
  readonly model: string;
  readonly channels: readonly RecordingChannelTranscript[];
}

/**
 * Call recordings (`src/services/recordings`): one stereo PCM16 WAV per call under
 * `DATA_DIR/recordings`, caller left, agent right. `path` is relative to that directory.
 */
export const recordings = pgTable(
  'recordings',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    /** `audio/wav` (16-bit PCM). */
    format: text('format').notNull(),
    sampleRateHz: integer('sample_rate_hz').notNull(),
    channels: integer('channels').notNull(),
    durationMs: integer('duration_ms'),
    bytes: bigint('bytes', { mode: 'number' }),
    status: recordingStatus('status').notNull().default('recording'),
    /** Why it failed, or how it was finished (e.g. repaired after the server stopped mid-call). */
    note: text('note'),
    retentionDays: integer('retention_days').notNull(),
    /** When retention deletes it: the recording's start plus the agent's retention period. */
    expiresAt: instant('expires_at').notNull(),
    deletedAt: instant('deleted_at'),
    transcript: jsonb('transcript').$type<RecordingTranscript>(),
    ...lifecycleColumns,
  },
  (t) => [
    uniqueIndex('recordings_call_key').on(t.callId),
    index('recordings_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('recordings_status_expires_idx').on(t.status, t.expiresAt),
  ],
);

export type RecordingRow = typeof recordings.$inferSelect;
export type RecordingStatus = (typeof recordingStatuses)[number];
