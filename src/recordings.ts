/**
 * Call recordings, composed (part of the composition root): the observer that records calls whose
 * agent opts in, the retention job and its periodic scheduler, and the service behind the API.
 * See docs/recordings.md.
 */
import type { Config } from './config/config.ts';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import type { JobHandler } from './jobs/handler.ts';
import { recordingRetentionHandler } from './jobs/recordings/retention-handler.ts';
import { enqueueRecordingTranscription, recordingTranscriptionHandler } from './jobs/recordings/transcription-handler.ts';
import { RecordingRetentionScheduler } from './jobs/recordings/retention-scheduler.ts';
import type { CallAudioObserverFactory } from './live-calls.ts';
import type { CallService } from './services/calls.ts';
import { deleteRecordingFile, recordingAbsolutePath, recordingRelativePath, recordingsRoot } from './services/recordings/recording-files.ts';
import { recordingObserverFactory } from './services/recordings/recording-observers.ts';
import { RecordingService } from './services/recordings/recordings.ts';
import { OpenAiTranscriber } from './services/recordings/transcriber.ts';
import type { Database } from './store/database.ts';
import type { CallRow } from './store/schema/calls.ts';

export interface RecordingsDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface Recordings {
  /** `<DATA_DIR>/recordings`. */
  readonly root: string;
  /** For `LiveCallRegistry.audioObservers`. */
  readonly observers: CallAudioObserverFactory;
  /** For `createBackgroundJobs({ handlers })`. */
  readonly handlers: readonly JobHandler[];
  /** For `CallService.afterDelete`: a deleted call's recording file goes with it. */
  readonly afterCallDeleted: (call: CallRow) => Promise<void>;
  /** The API's service, once the call service exists. */
  service(calls: CallService): RecordingService;
  /** The retention sweep timer; `start()` once the workers run, `stop()` before them. */
  scheduler(wake: () => void): RecordingRetentionScheduler;
}

/** A recording row still `recording` this long past the longest possible call has no live writer. */
const STALE_MARGIN_MS = 10 * 60_000;

export function createRecordings(deps: RecordingsDeps): Recordings {
  const { config, db, clock, logger } = deps;
  const root = recordingsRoot(config.dataDir);
  const staleAfterMs = config.security.maxCallDurationS * 1000 + STALE_MARGIN_MS;
  const { apiKey, baseUrl, transcriptionModel } = config.openai;
  // No key: a recording that asks for it gets a job that fails saying so (visible per call), never a silent skip.
  const transcriber = apiKey === undefined ? null : new OpenAiTranscriber({ apiKey, baseUrl, model: transcriptionModel });
  return {
    root,
    observers: recordingObserverFactory({ db, clock, logger, root, onReady: enqueueRecordingTranscription }),
    afterCallDeleted: (call) => deleteRecordingFile(recordingAbsolutePath(root, recordingRelativePath(call.tenantId, call.id))),
    handlers: [recordingRetentionHandler({ root, staleAfterMs }), recordingTranscriptionHandler({ root, transcriber })],
    service: (calls) => new RecordingService({ db, clock, calls, root }),
    scheduler: (wake) => new RecordingRetentionScheduler({ db, clock, logger: logger.child({ component: 'recordings' }), staleAfterMs, wake, root }),
  };
}
