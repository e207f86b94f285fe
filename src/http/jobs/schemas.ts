import { z } from 'zod';
import { jobStatuses, type JobRow } from '../../store/schema/jobs.ts';

const isoInstant = z.iso.datetime({ offset: true });
const jsonObject = z.record(z.string(), z.unknown());

export const jobSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().describe('What the job does: call-ended, webhook-delivery, …'),
    callId: z.uuid().nullable(),
    status: z.enum(jobStatuses).describe('queued → running → succeeded | skipped | failed (not retryable) | dead (every attempt failed)'),
    attempts: z.number().int().describe('Attempts started so far'),
    maxAttempts: z.number().int(),
    runAt: isoInstant.describe('Not run before this instant (the backoff of a retry)'),
    lastError: z.string().nullable(),
    result: jsonObject.nullable().describe('What the job produced; for a skipped job, `{ reason }`'),
    createdAt: isoInstant,
    updatedAt: isoInstant,
    finishedAt: isoInstant.nullable(),
  })
  .describe('Job');

export type JobDto = z.infer<typeof jobSchema>;

export function toJobDto(row: JobRow): JobDto {
  return {
    id: row.id,
    kind: row.kind,
    callId: row.callId,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: row.runAt.toISOString(),
    lastError: row.lastError,
    result: row.result,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export const jobIdParams = z.strictObject({ jobId: z.uuid() });
export const callIdParams = z.strictObject({ callId: z.uuid() });

export const listJobsQuery = z.strictObject({
  status: z.enum(jobStatuses).optional(),
  kind: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
