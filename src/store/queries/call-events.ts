import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { callEvents, type CallEventRow } from '../schema/call-events.ts';

export async function appendCallEvent(
  db: Executor,
  params: { tenantId: string; callId: string; type: string; data?: Record<string, unknown>; at: Date },
): Promise<void> {
  await db.insert(callEvents).values({
    tenantId: params.tenantId,
    callId: params.callId,
    type: params.type,
    data: params.data ?? {},
    at: params.at,
  });
}

export async function listCallEvents(db: Executor, params: { tenantId: string; callId: string }): Promise<CallEventRow[]> {
  return db
    .select()
    .from(callEvents)
    .where(and(eq(callEvents.tenantId, params.tenantId), eq(callEvents.callId, params.callId)))
    .orderBy(asc(callEvents.id));
}
