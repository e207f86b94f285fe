/**
 * `recordings.retention`: one tenant's recording clean-up. Deletes the files of recordings past their
 * expiry and marks their rows `deleted`; finishes recordings left `recording` by a process that died
 * mid-call (their header sizes are rewritten from what is on disk, so the file is a well-formed WAV).
 * Idempotent: deleting a missing file is a no-op and every row update is guarded by its status.
 */
import { z } from 'zod';
import { deleteRecordingFile, recordingAbsolutePath, repairRecordingFile } from '../../services/recordings/recording-files.ts';
import { listDueRecordings, markRecordingDeleted, markRecordingRepaired } from '../../store/queries/recordings.ts';
import type { RecordingRow } from '../../store/schema/recordings.ts';
import { defineJobHandler, type JobContext, type JobHandler } from '../handler.ts';

export const RECORDING_RETENTION_JOB = 'recordings.retention';

/** Rows handled per query; a job loops until none are due. */
const BATCH = 100;

export interface RecordingRetentionDeps {
  /** `<DATA_DIR>/recordings`. */
  readonly root: string;
  /** A recording still `recording` this long after it started has no live writer (longer than any call). */
  readonly staleAfterMs: number;
}

export function recordingRetentionHandler(deps: RecordingRetentionDeps): JobHandler {
  return defineJobHandler({
    kind: RECORDING_RETENTION_JOB,
    payload: z.object({}),
    timeoutMs: 10 * 60_000,
    async run(ctx) {
      let deleted = 0;
      let repaired = 0;
      for (;;) {
        const now = new Date(ctx.clock.nowMs());
        const due = await listDueRecordings(ctx.db, { tenantId: ctx.job.tenantId, now, staleBefore: new Date(now.getTime() - deps.staleAfterMs), limit: BATCH });
        for (const recording of due) {
          ctx.signal.throwIfAborted();
          if (recording.status === 'recording') {
            await repair(ctx, deps.root, recording);
            repaired += 1;
          } else {
            await deleteRecordingFile(recordingAbsolutePath(deps.root, recording.path));
            await markRecordingDeleted(ctx.db, { tenantId: recording.tenantId, recordingId: recording.id, note: `deleted after its ${recording.retentionDays}-day retention`, at: now });
            deleted += 1;
          }
        }
        if (due.length < BATCH) break;
      }
      return { status: 'succeeded', result: { deleted, repaired } };
    },
  });
}

async function repair(ctx: JobContext<unknown>, root: string, recording: RecordingRow): Promise<void> {
  const at = new Date(ctx.clock.nowMs());
  const result = await repairRecordingFile(recordingAbsolutePath(root, recording.path), recording.sampleRateHz, recording.channels);
  const note = 'the server stopped during the call; finished from what was on disk';
  await markRecordingRepaired(ctx.db, {
    tenantId: recording.tenantId,
    recordingId: recording.id,
    status: result === null ? 'failed' : 'ready',
    durationMs: result?.durationMs ?? null,
    bytes: result?.bytes ?? null,
    note: result === null ? `${note}, but its file is missing` : note,
    at,
  });
  ctx.logger.warn({ recordingId: recording.id, repaired: result !== null }, 'recording left unfinished by a stopped server was finished');
}
