import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { telephonyCalls, type TelephonyCallRow } from '../schema/telephony-calls.ts';

export interface NewTelephonyCall {
  readonly callId: string;
  readonly tenantId: string;
  readonly callSid: string | null;
  readonly phoneNumberId: string | null;
  readonly fromNumber: string;
  readonly toNumber: string;
  readonly providerStatus: string;
  readonly at: Date;
}

export async function insertTelephonyCall(db: Executor, params: NewTelephonyCall): Promise<TelephonyCallRow> {
  const [row] = await db
    .insert(telephonyCalls)
    .values({
      callId: params.callId,
      tenantId: params.tenantId,
      callSid: params.callSid,
      phoneNumberId: params.phoneNumberId,
      fromNumber: params.fromNumber,
      toNumber: params.toNumber,
      providerStatus: params.providerStatus,
      statusAt: params.at,
      createdAt: params.at,
      updatedAt: params.at,
    })
    .returning();
  if (!row) throw new Error('insert into telephony_calls returned no row');
  return row;
}

export async function getTelephonyCall(db: Executor, params: { tenantId: string; callId: string }): Promise<TelephonyCallRow | undefined> {
  const [row] = await db
    .select()
    .from(telephonyCalls)
    .where(and(eq(telephonyCalls.tenantId, params.tenantId), eq(telephonyCalls.callId, params.callId)))
    .limit(1);
  return row;
}

/**
 * The phone call a Twilio webhook is about, by its `CallSid` or by our call id (from the signed
 * status-callback URL of an outbound call), locked until the transaction ends so that concurrent
 * callbacks for one call apply one after the other. Not scoped by tenant: the webhook is how we learn
 * the tenant.
 */
export async function lockTelephonyCallForWebhook(
  db: Executor,
  params: { readonly callSid: string } | { readonly callId: string },
): Promise<TelephonyCallRow | undefined> {
  const where = 'callSid' in params ? eq(telephonyCalls.callSid, params.callSid) : eq(telephonyCalls.callId, params.callId);
  const [row] = await db.select().from(telephonyCalls).where(where).limit(1).for('update');
  return row;
}

/** Records the `CallSid` Twilio gave an outbound call, unless one is already set. */
export async function setTelephonyCallSid(db: Executor, params: { tenantId: string; callId: string; callSid: string; at: Date }): Promise<boolean> {
  const rows = await db
    .update(telephonyCalls)
    .set({ callSid: params.callSid, updatedAt: params.at })
    .where(and(eq(telephonyCalls.tenantId, params.tenantId), eq(telephonyCalls.callId, params.callId), isNull(telephonyCalls.callSid)))
    .returning({ callId: telephonyCalls.callId });
  return rows.length > 0;
}

export interface TelephonyCallChanges {
  readonly callSid?: string | undefined;
  readonly providerStatus?: string | undefined;
  readonly durationS?: number | undefined;
  readonly recordingUrl?: string | undefined;
  readonly recordingSid?: string | undefined;
  readonly recordingDurationS?: number | undefined;
  readonly providerErrorCode?: number | undefined;
}

/** Writes the fields given (others unchanged). */
export async function updateTelephonyCall(db: Executor, params: { tenantId: string; callId: string; changes: TelephonyCallChanges; at: Date }): Promise<void> {
  const defined = Object.fromEntries(Object.entries(params.changes).filter(([, value]) => value !== undefined)) as TelephonyCallChanges;
  await db
    .update(telephonyCalls)
    .set({ ...defined, ...(defined.providerStatus === undefined ? {} : { statusAt: params.at }), updatedAt: params.at })
    .where(and(eq(telephonyCalls.tenantId, params.tenantId), eq(telephonyCalls.callId, params.callId)));
}
