import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant, lifecycleColumns } from './columns.ts';
import { calls } from './calls.ts';
import { phoneNumbers } from './phone-numbers.ts';
import { tenants } from './tenants.ts';

/**
 * What the phone network says about a call that is a phone call (one row per such call, beside its
 * `calls` row): Twilio's `CallSid`, both numbers (personal data: stored for the tenant, never logged),
 * and the latest status callback (`provider_status` is Twilio's `CallStatus`, kept apart from the
 * call's own lifecycle status), the billed duration and the recording.
 */
export const telephonyCalls = pgTable(
  'telephony_calls',
  {
    callId: uuid('call_id')
      .primaryKey()
      .references(() => calls.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** `CA…`; null for an outbound call until Twilio's REST API has answered. */
    callSid: text('call_sid'),
    phoneNumberId: uuid('phone_number_id').references(() => phoneNumbers.id, { onDelete: 'set null' }),
    fromNumber: text('from_number').notNull(),
    toNumber: text('to_number').notNull(),
    /** Twilio's `CallStatus`: queued, initiated, ringing, in-progress, completed, busy, no-answer, failed, canceled. */
    providerStatus: text('provider_status').notNull(),
    /** `CallDuration` of the final status callback, in seconds. */
    durationS: integer('duration_s'),
    recordingUrl: text('recording_url'),
    recordingSid: text('recording_sid'),
    recordingDurationS: integer('recording_duration_s'),
    /** Twilio's error code when placing the call failed (e.g. 21211, invalid `To`). */
    providerErrorCode: integer('provider_error_code'),
    /** When the last status callback was applied. */
    statusAt: instant('status_at'),
    ...lifecycleColumns,
  },
  (t) => [uniqueIndex('telephony_calls_call_sid_key').on(t.callSid), index('telephony_calls_tenant_idx').on(t.tenantId)],
);

export type TelephonyCallRow = typeof telephonyCalls.$inferSelect;
