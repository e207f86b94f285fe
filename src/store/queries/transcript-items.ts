import { and, asc, eq } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Executor } from '../database.ts';
import { transcriptItems, type TranscriptItemRow, type TranscriptRole } from '../schema/transcript-items.ts';

export interface NewTranscriptItem {
  readonly tenantId: string;
  readonly callId: string;
  readonly seq: number;
  readonly role: TranscriptRole;
  readonly text: string;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly interrupted: boolean;
}

/**
 * Writes one finished turn. Writing the same `(callId, seq)` again replaces the text and timing, so a
 * retried write or a late correction never duplicates a turn.
 */
export async function upsertTranscriptItem(db: Executor, item: NewTranscriptItem): Promise<void> {
  await db
    .insert(transcriptItems)
    .values({ id: newId(), ...item })
    .onConflictDoUpdate({
      target: [transcriptItems.callId, transcriptItems.seq],
      set: { text: item.text, startMs: item.startMs, endMs: item.endMs, interrupted: item.interrupted, role: item.role },
      setWhere: eq(transcriptItems.tenantId, item.tenantId),
    });
}

export async function listTranscript(db: Executor, params: { tenantId: string; callId: string }): Promise<TranscriptItemRow[]> {
  return db
    .select()
    .from(transcriptItems)
    .where(and(eq(transcriptItems.tenantId, params.tenantId), eq(transcriptItems.callId, params.callId)))
    .orderBy(asc(transcriptItems.seq));
}
