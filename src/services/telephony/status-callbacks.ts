import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/database.ts';
import { lockTelephonyCallForWebhook, updateTelephonyCall, type TelephonyCallChanges } from '../../store/queries/telephony-calls.ts';
import type { CallEnder } from '../call-control/call-control.ts';

/** Twilio's `CallStatus` values (protocols.md §4.6). */
export const twilioCallStatuses = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type TwilioCallStatus = (typeof twilioCallStatuses)[number];

/** Where a status stands in a call's life; a callback never moves a call backwards (they may arrive out of order). */
const progress: Readonly<Record<TwilioCallStatus, number>> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  failed: 4,
  canceled: 4,
};

function progressOf(status: string): number {
  return status in progress ? progress[status as TwilioCallStatus] : -1;
}

export interface StatusCallback {
  readonly callSid: string;
  /** Our call id, from the signed status-callback URL of an outbound call (Twilio may call back before we know the sid). */
  readonly callId?: string | undefined;
  readonly status: TwilioCallStatus;
  readonly durationS?: number | undefined;
  readonly recordingUrl?: string | undefined;
  readonly recordingSid?: string | undefined;
  readonly recordingDurationS?: number | undefined;
}

export type StatusCallbackOutcome =
  | { readonly kind: 'applied'; readonly tenantId: string; readonly callId: string; readonly providerStatus: string }
  | { readonly kind: 'unknown_call' };

export interface StatusCallbacksDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Ends a call whichever instance runs it (`CallControl`). */
  readonly callEnder: CallEnder;
}

/**
 * Applies Twilio's call status callbacks. Idempotent: the same callback twice changes nothing the
 * second time, an older status never overwrites a later one, and the call's lifecycle only moves
 * forward through its state machine (`completed` ends it, `busy`/`no-answer`/`failed`/`canceled` fail
 * it, unless it is over already). `ringing` and `in-progress` are stored as Twilio's status only: the
 * call becomes `active` when its media stream connects, not before.
 */
export class StatusCallbacks {
  readonly #deps: StatusCallbacksDeps;

  constructor(deps: StatusCallbacksDeps) {
    this.#deps = deps;
  }

  async apply(callback: StatusCallback): Promise<StatusCallbackOutcome> {
    const { db, clock, logger } = this.#deps;
    const at = new Date(clock.nowMs());
    const applied = await db.transaction(async (tx) => {
      const row = await lockTelephonyCallForWebhook(tx, callback.callId === undefined ? { callSid: callback.callSid } : { callId: callback.callId });
      if (!row || (row.callSid !== null && row.callSid !== callback.callSid)) return undefined;
      const forward = progressOf(callback.status) >= progressOf(row.providerStatus) && !(isFinal(row.providerStatus) && row.providerStatus !== callback.status);
      const changes: TelephonyCallChanges = {
        ...(row.callSid === null ? { callSid: callback.callSid } : {}),
        ...(forward && row.providerStatus !== callback.status ? { providerStatus: callback.status } : {}),
        durationS: callback.durationS,
        recordingUrl: callback.recordingUrl,
        recordingSid: callback.recordingSid,
        recordingDurationS: callback.recordingDurationS,
      };
      await updateTelephonyCall(tx, { tenantId: row.tenantId, callId: row.callId, changes, at });
      return { tenantId: row.tenantId, callId: row.callId, providerStatus: forward ? callback.status : row.providerStatus };
    });
    if (!applied) {
      logger.warn({ status: callback.status, byCallId: callback.callId !== undefined }, 'twilio status callback for an unknown call ignored');
      return { kind: 'unknown_call' };
    }
    await this.#settleCall(applied.tenantId, applied.callId, applied.providerStatus);
    return { kind: 'applied', ...applied };
  }

  /**
   * Ends or fails the call when the phone call is over and the call is not over yet: a live call through
   * its session, on whichever instance runs it; otherwise the record.
   */
  async #settleCall(tenantId: string, callId: string, providerStatus: string): Promise<void> {
    if (!isFinal(providerStatus)) return;
    const { callEnder, logger } = this.#deps;
    const reason = `twilio_${providerStatus.replace('-', '_')}`;
    const fallbackStatus = providerStatus === 'completed' ? 'ended' : 'failed';
    const outcome = await callEnder.end({ tenantId, callId, reason, fallbackStatus });
    if (outcome.kind === 'ended_in_store') logger.info({ tenantId, callId, status: outcome.status, reason }, 'call closed by twilio status callback');
  }
}

function isFinal(status: string): boolean {
  return progressOf(status) === 4;
}
