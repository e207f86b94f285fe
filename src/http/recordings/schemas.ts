import { z } from 'zod';
import { recordingStatuses, type RecordingRow } from '../../store/schema/recordings.ts';

const isoInstant = z.iso.datetime({ offset: true });

export const callIdParams = z.strictObject({ callId: z.uuid() });

const wordSchema = z.object({ word: z.string(), startS: z.number(), endS: z.number() });

export const recordingSchema = z
  .object({
    id: z.uuid(),
    callId: z.uuid(),
    status: z.enum(recordingStatuses).describe('recording (the call is on) → ready | failed; deleted after retention or on request'),
    format: z.string().describe('`audio/wav`: 16-bit PCM, stereo, caller left, agent right'),
    sampleRateHz: z.number().int(),
    channels: z.number().int(),
    durationMs: z.number().int().nullable(),
    bytes: z.number().int().nullable(),
    note: z.string().nullable().describe('Why it failed, or how it was finished (e.g. repaired after a crash)'),
    retentionDays: z.number().int(),
    expiresAt: isoInstant.describe('When the retention job deletes it'),
    deletedAt: isoInstant.nullable(),
    createdAt: isoInstant,
    updatedAt: isoInstant,
    transcript: z
      .object({
        model: z.string(),
        channels: z.array(
          z.object({
            channel: z.enum(['caller', 'agent']),
            text: z.string(),
            language: z.string().nullable(),
            durationS: z.number().nullable(),
            words: z.array(wordSchema),
          }),
        ),
      })
      .nullable()
      .describe('Word-timed re-transcription per channel, when the agent asks for it (times from the start of the recording)'),
  })
  .describe('Recording');

export type RecordingDto = z.infer<typeof recordingSchema>;

export function toRecordingDto(row: RecordingRow): RecordingDto {
  return {
    id: row.id,
    callId: row.callId,
    status: row.status,
    format: row.format,
    sampleRateHz: row.sampleRateHz,
    channels: row.channels,
    durationMs: row.durationMs,
    bytes: row.bytes,
    note: row.note,
    retentionDays: row.retentionDays,
    expiresAt: row.expiresAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    transcript: row.transcript === null ? null : { model: row.transcript.model, channels: row.transcript.channels.map((c) => ({ ...c, words: [...c.words] })) },
  };
}

export const listRecordingsQuery = z.strictObject({
  status: z.enum(recordingStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
