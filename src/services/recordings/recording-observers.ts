/**
 * The recording observer of a call, for the live call registry: when the call's agent snapshot opts in,
 * creates the recording's row and file and returns a {@link CallRecorder} that writes into it and
 * stores its outcome (and queues the re-transcription) when the call ends.
 */
import type { AudioFormat } from '../../audio/format.ts';
import { createWavFileWriter, type WavFileWriter } from '../../audio/wav-file-writer.ts';
import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { CallAudioObserver } from '../../runtime/ports.ts';
import type { Database } from '../../store/database.ts';
import { finishRecording, insertRecording } from '../../store/queries/recordings.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { CallRecorder, type CallRecorderOptions, type RecordingOutcome } from './call-recorder.ts';
import { deleteRecordingFile, ensureRecordingDir, recordingAbsolutePath, recordingRateHz, recordingRelativePath } from './recording-files.ts';

/** Header sizes are rewritten every this many seconds of audio, so a crashed file declares nearly all of it. */
const HEADER_UPDATE_S = 10;

export interface RecordingObserverDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `<DATA_DIR>/recordings`. */
  readonly root: string;
  /** Queues the re-transcription of a finished recording (inside the transaction that finishes it). */
  readonly onReady?: (tx: Database, params: { readonly tenantId: string; readonly callId: string; readonly recordingId: string; readonly at: Date }) => Promise<void>;
  readonly recorderOptions?: Partial<CallRecorderOptions>;
}

/** A `CallAudioObserverFactory` for `LiveCallRegistry`: `[]` unless the call's agent records. */
export function recordingObserverFactory(deps: RecordingObserverDeps) {
  return async (call: CallRow, formats: { readonly caller: AudioFormat; readonly agent: AudioFormat }): Promise<readonly CallAudioObserver[]> => {
    const settings = call.agentSnapshot.recording;
    if (settings?.enabled !== true) return [];
    const { db, clock, root } = deps;
    const logger = deps.logger.child({ component: 'recording', callId: call.id, tenantId: call.tenantId });
    const sampleRateHz = recordingRateHz(formats.caller, formats.agent);
    const relative = recordingRelativePath(call.tenantId, call.id);
    const path = recordingAbsolutePath(root, relative);
    const at = new Date(clock.nowMs());
    // The row first: a second join of the same call fails here (one recording per call) before touching the file.
    const { id: recordingId } = await insertRecording(db, { id: newId(), tenantId: call.tenantId, callId: call.id, path: relative, sampleRateHz, channels: 2, retentionDays: settings.retentionDays, at });
    let writer: WavFileWriter;
    try {
      await ensureRecordingDir(path);
      writer = await createWavFileWriter(path, { sampleRateHz, channels: 2, headerUpdateBytes: sampleRateHz * 4 * HEADER_UPDATE_S });
    } catch (error) {
      await finishRecording(db, { tenantId: call.tenantId, recordingId, status: 'failed', durationMs: 0, bytes: 0, note: 'the file could not be created', at });
      await deleteRecordingFile(path).catch(() => undefined);
      throw error;
    }
    const finish = async (outcome: RecordingOutcome): Promise<void> => {
      const finishedAt = new Date(clock.nowMs());
      await db.transaction(async (tx) => {
        const row = await finishRecording(tx, {
          tenantId: call.tenantId,
          recordingId,
          status: outcome.status,
          durationMs: outcome.durationMs,
          bytes: outcome.bytes,
          note: outcome.status === 'failed' ? outcome.reason : outcome.droppedMs > 0 ? `${outcome.droppedMs} ms of audio queued too far ahead was dropped` : null,
          at: finishedAt,
        });
        if (row?.status === 'ready' && settings.transcribe && deps.onReady !== undefined) {
          await deps.onReady(tx, { tenantId: call.tenantId, callId: call.id, recordingId, at: finishedAt });
        }
      });
      logger.info({ status: outcome.status, durationMs: outcome.durationMs, bytes: outcome.bytes }, 'recording finished');
    };
    return [new CallRecorder({ writer, callerFormat: formats.caller, agentFormat: formats.agent, originMs: at.getTime(), logger, finish, options: deps.recorderOptions ?? {} })];
  };
}
