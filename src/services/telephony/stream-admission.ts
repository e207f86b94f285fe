import type { Clock } from '../../core/clock.ts';
import type { ErrorCode } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { getCall, transitionCall } from '../../store/queries/calls.ts';
import { getTelephonyCall, setTelephonyCallSid } from '../../store/queries/telephony-calls.ts';
import type { CallDirection } from '../../store/schema/calls.ts';
import { redeemStreamToken } from './stream-tokens.ts';

/** A media stream allowed to join its call. */
export interface AdmittedStream {
  readonly tenantId: string;
  readonly callId: string;
  readonly callSid: string;
  readonly direction: CallDirection;
}

export type Admission = { readonly ok: true; readonly stream: AdmittedStream } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/**
 * Decides whether a Twilio media stream may join the call it names: its one-time token must be
 * that call's, unused and unexpired (it is used up now, whatever follows), and the stream's `CallSid`
 * must be the phone call the token was issued for.
 */
export class StreamAdmission {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { readonly db: Database; readonly clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async admit(params: { readonly callId: string; readonly streamToken: string; readonly callSid: string }): Promise<Admission> {
    const refused: Admission = { ok: false, code: 'forbidden', message: 'The stream token is invalid, used or expired' };
    if (!isUuid(params.callId)) return refused;
    const redeemed = await redeemStreamToken(this.#db, { callId: params.callId, token: params.streamToken, nowMs: this.#clock.nowMs() });
    if (!redeemed) return refused;
    const { tenantId } = redeemed;
    const [call, telephony] = await Promise.all([getCall(this.#db, { tenantId, callId: params.callId }), getTelephonyCall(this.#db, { tenantId, callId: params.callId })]);
    if (!call || !telephony) return refused;
    if (telephony.callSid !== null && telephony.callSid !== params.callSid) {
      return { ok: false, code: 'forbidden', message: 'The stream belongs to another phone call' };
    }
    if (telephony.callSid === null) {
      await setTelephonyCallSid(this.#db, { tenantId, callId: params.callId, callSid: params.callSid, at: new Date(this.#clock.nowMs()) });
    }
    return { ok: true, stream: { tenantId, callId: params.callId, callSid: params.callSid, direction: call.direction } };
  }

  /** Fails a call whose stream was admitted but could not start (e.g. its engine is not configured). */
  async fail(stream: AdmittedStream, reason: string): Promise<void> {
    await transitionCall(this.#db, { tenantId: stream.tenantId, callId: stream.callId, to: 'failed', reason, at: new Date(this.#clock.nowMs()) });
  }
}
