import { and, asc, desc, eq, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { recordings, type RecordingRow, type RecordingStatus, type RecordingTranscript } from '../schema/recordings.ts';

export interface NewRecording {
  readonly id: string;
  readonly tenantId: string;
  readonly callId: string;
  readonly path: string;
  readonly sampleRateHz: number;
  readonly channels: number;
  readonly retentionDays: number;
  readonly at: Date;
}

/** Starts a call's recording row (`recording`); its expiry counts from now. */
export async function insertRecording(db: Executor, params: NewRecording): Promise<RecordingRow> {
  const [row] = await db
    .insert(recordings)
    .values({
      id: params.id,
      tenantId: params.tenantId,
      callId: params.callId,
      path: params.path,
      format: 'audio/wav',
      sampleRateHz: params.sampleRateHz,
      channels: params.channels,
      status: 'recording',
      retentionDays: params.retentionDays,
      expiresAt: new Date(params.at.getTime() + params.retentionDays * 86_400_000),
      createdAt: params.at,
      updatedAt: params.at,
    })
    .returning();
  if (!row) throw new Error('insert into recordings returned no row');
  return row;
}

/** Records how a recording still being written ended; a recording already finished or deleted is left alone. */
export async function finishRecording(
  db: Executor,
  params: {
    tenantId: string;
    recordingId: string;
    status: Extract<RecordingStatus, 'ready' | 'failed'>;
    durationMs: number;
    bytes: number;
    note: string | null;
    at: Date;
  },
): Promise<RecordingRow | undefined> {
  const [row] = await db
    .update(recordings)
    .set({ status: params.status, durationMs: params.durationMs, bytes: params.bytes, note: params.note, updatedAt: params.at })
    .where(and(eq(recordings.tenantId, params.tenantId), eq(recordings.id, params.recordingId), eq(recordings.status, 'recording')))
    .returning();
  return row;
}

export async function getRecordingOfCall(db: Executor, params: { tenantId: string; callId: string }): Promise<RecordingRow | undefined> {
  const [row] = await db
    .select()
    .from(recordings)
    .where(and(eq(recordings.tenantId, params.tenantId), eq(recordings.callId, params.callId)))
    .limit(1);
  return row;
}

export async function getRecording(db: Executor, params: { tenantId: string; recordingId: string }): Promise<RecordingRow | undefined> {
  const [row] = await db
    .select()
    .from(recordings)
    .where(and(eq(recordings.tenantId, params.tenantId), eq(recordings.id, params.recordingId)))
    .limit(1);
  return row;
}

/** Marks a recording deleted (its file is gone); null when it already was. */
export async function markRecordingDeleted(
  db: Executor,
  params: { tenantId: string; recordingId: string; note: string; at: Date },
): Promise<RecordingRow | undefined> {
  const [row] = await db
    .update(recordings)
    .set({ status: 'deleted', deletedAt: params.at, note: params.note, updatedAt: params.at })
    .where(and(eq(recordings.tenantId, params.tenantId), eq(recordings.id, params.recordingId), isNull(recordings.deletedAt)))
    .returning();
  return row;
}

/** Stores a recording's word-timed transcript (a re-run overwrites it). */
export async function saveRecordingTranscript(
  db: Executor,
  params: { tenantId: string; recordingId: string; transcript: RecordingTranscript; at: Date },
): Promise<void> {
  await db
    .update(recordings)
    .set({ transcript: params.transcript, updatedAt: params.at })
    .where(and(eq(recordings.tenantId, params.tenantId), eq(recordings.id, params.recordingId)));
}

/**
 * What the retention sweep has to do: recordings past their expiry (not yet deleted), and recordings
 * still `recording` that started before `staleBefore` (no call lasts that long: their writer died with
 * its process).
 */
function dueCondition(params: { now: Date; staleBefore: Date }) {
  return or(
    and(inArray(recordings.status, ['ready', 'failed']), lte(recordings.expiresAt, params.now)),
    and(eq(recordings.status, 'recording'), lt(recordings.createdAt, params.staleBefore)),
  );
}

/** Tenants with recordings due for deletion or repair. */
export async function listTenantsWithDueRecordings(db: Executor, params: { now: Date; staleBefore: Date }): Promise<string[]> {
  const rows = await db.selectDistinct({ tenantId: recordings.tenantId }).from(recordings).where(dueCondition(params));
  return rows.map((row) => row.tenantId);
}

/** One tenant's recordings due for deletion or repair, oldest first. */
export async function listDueRecordings(
  db: Executor,
  params: { tenantId: string; now: Date; staleBefore: Date; limit: number },
): Promise<RecordingRow[]> {
  return db
    .select()
    .from(recordings)
    .where(and(eq(recordings.tenantId, params.tenantId), dueCondition(params)))
    .orderBy(asc(recordings.createdAt), asc(recordings.id))
    .limit(params.limit);
}

/** Marks a stale `recording` row whose file was repaired as finished. */
export async function markRecordingRepaired(
  db: Executor,
  params: { tenantId: string; recordingId: string; durationMs: number | null; bytes: number | null; status: 'ready' | 'failed'; note: string; at: Date },
): Promise<void> {
  await db
    .update(recordings)
    .set({ status: params.status, durationMs: params.durationMs, bytes: params.bytes, note: params.note, updatedAt: params.at })
    .where(and(eq(recordings.tenantId, params.tenantId), eq(recordings.id, params.recordingId), eq(recordings.status, 'recording')));
}

/** The tenant's recordings, newest first. */
export async function listRecordings(db: Executor, params: { tenantId: string; status?: RecordingStatus | undefined; limit: number }): Promise<RecordingRow[]> {
  return db
    .select()
    .from(recordings)
    .where(and(eq(recordings.tenantId, params.tenantId), params.status === undefined ? undefined : eq(recordings.status, params.status)))
    .orderBy(desc(recordings.createdAt), desc(recordings.id))
    .limit(params.limit);
}

/** Of these calls of a tenant, the ones that still have a recording row (any status). */
export async function callsWithRecordings(db: Executor, params: { tenantId: string; callIds: readonly string[] }): Promise<Set<string>> {
  if (params.callIds.length === 0) return new Set();
  const rows = await db
    .select({ callId: recordings.callId })
    .from(recordings)
    .where(and(eq(recordings.tenantId, params.tenantId), inArray(recordings.callId, [...params.callIds])));
  return new Set(rows.map((row) => row.callId));
}
