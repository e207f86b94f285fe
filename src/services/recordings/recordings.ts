/**
 * Recordings for the API: who may see a call's recording (whoever may see the call: its member, the
 * tenant's admins and API keys), opening its file for download (whole or a byte range), and deleting
 * it before its retention ends.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { Database } from '../../store/database.ts';
import { getRecordingOfCall, listRecordings, markRecordingDeleted } from '../../store/queries/recordings.ts';
import type { RecordingRow, RecordingStatus } from '../../store/schema/recordings.ts';
import type { CallService } from '../calls.ts';
import { deleteRecordingFile, recordingAbsolutePath } from './recording-files.ts';

export interface RecordingServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Ownership of calls: a member reaches the recordings of their own calls only. */
  readonly calls: Pick<CallService, 'get'>;
  /** `<DATA_DIR>/recordings`. */
  readonly root: string;
}

/** An inclusive byte range of the file. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** A recording opened for download. */
export interface RecordingDownload {
  readonly recording: RecordingRow;
  readonly totalBytes: number;
  /** The range served, or null for the whole file. */
  readonly range: ByteRange | null;
  readonly stream: ReadStream;
}

/**
 * Parses a `Range` header against a file of `size` bytes (RFC 9110 §14.1.2): one range `bytes=a-b`,
 * `bytes=a-` or `bytes=-n`. Null for no header or a form it ignores (several ranges, other units:
 * the whole file is served); throws `range_not_satisfiable` for a range outside the file.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/u.exec(header.trim());
  if (match === null) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return null; // syntactically invalid: ignored, like a missing header
  }
  if (start >= size) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): AppError {
  return new AppError('range_not_satisfiable', `The range is outside the recording's ${size} bytes`, { details: [{ path: 'headers.range', message: `bytes */${size}` }] });
}

export class RecordingService {
  readonly #deps: RecordingServiceDeps;

  constructor(deps: RecordingServiceDeps) {
    this.#deps = deps;
  }

  /** The recording of a call the principal may see; `call_not_found` / `recording_not_found` otherwise. */
  async forCall(principal: Principal, callId: string): Promise<RecordingRow> {
    await this.#deps.calls.get(principal, callId);
    const recording = await getRecordingOfCall(this.#deps.db, { tenantId: principal.tenantId, callId });
    if (!recording) throw new AppError('recording_not_found', 'This call has no recording');
    return recording;
  }

  /** The tenant's recordings (admins), newest first. */
  async list(principal: Principal, filter: { status?: RecordingStatus | undefined; limit: number }): Promise<RecordingRow[]> {
    return listRecordings(this.#deps.db, { tenantId: principal.tenantId, ...filter });
  }

  /**
   * Opens a finished recording for download. `recording_not_ready` while the call is still being
   * recorded, `recording_not_found` once deleted (or when its file is missing).
   */
  async open(principal: Principal, callId: string, rangeHeader: string | undefined): Promise<RecordingDownload> {
    const recording = await this.forCall(principal, callId);
    if (recording.status === 'deleted') throw new AppError('recording_not_found', 'This call’s recording was deleted');
    if (recording.status === 'recording') throw new AppError('recording_not_ready', 'The call is still being recorded');
    if (recording.status === 'failed' && (recording.bytes ?? 0) <= 44) throw new AppError('recording_not_found', 'This call’s recording failed and holds no audio');
    const path = recordingAbsolutePath(this.#deps.root, recording.path);
    const size = await stat(path).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) throw new AppError('recording_not_found', 'The recording’s file is missing');
    const range = parseRange(rangeHeader, size);
    const stream = range === null ? createReadStream(path) : createReadStream(path, { start: range.start, end: range.end });
    return { recording, totalBytes: size, range, stream };
  }

  /** Deletes a call's recording now (file, then the row marked deleted). Deleting it again is a no-op. */
  async delete(principal: Principal, callId: string): Promise<RecordingRow> {
    const recording = await this.forCall(principal, callId);
    if (recording.status === 'recording') throw new AppError('recording_not_ready', 'The call is still being recorded; delete it after the call');
    if (recording.status === 'deleted') return recording;
    await deleteRecordingFile(recordingAbsolutePath(this.#deps.root, recording.path));
    const at = new Date(this.#deps.clock.nowMs());
    const deleted = await markRecordingDeleted(this.#deps.db, { tenantId: principal.tenantId, recordingId: recording.id, note: 'deleted on request', at });
    return deleted ?? recording;
  }
}
