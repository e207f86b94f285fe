import type { Logger } from '../core/logger.ts';
import type { CallSink, CallUsageTotals, FinishedTurn, LatencyTotals } from '../runtime/ports.ts';
import type { Database } from '../store/database.ts';
import { appendCallEvent } from '../store/queries/call-events.ts';
import { transitionCall, updateCallMetrics } from '../store/queries/calls.ts';
import { upsertTranscriptItem } from '../store/queries/transcript-items.ts';
import type { TranscriptUpdates } from './webhooks/transcript-updates.ts';

/**
 * The runtime's `CallSink` over the store, for one call. Status changes go through the guarded state
 * machine; a refused transition (the call was already ended elsewhere) is logged, not thrown, because
 * the call's turns must still be saved. With `transcriptUpdates`, each saved turn also emits
 * `transcript.updated` (in the turn's transaction) to tenants that subscribe to it.
 */
export function createStoreCallSink(params: { db: Database; tenantId: string; callId: string; logger: Logger; transcriptUpdates?: TranscriptUpdates | undefined }): CallSink {
  const { db, tenantId, callId, logger, transcriptUpdates } = params;
  const scope = { tenantId, callId };
  return {
    async markActive(atMs) {
      const result = await transitionCall(db, { ...scope, to: 'active', at: new Date(atMs) });
      if (!result.ok) logger.warn({ callId, problem: result.error.kind }, 'call could not be marked active');
    },
    async saveTurn(turn: FinishedTurn) {
      if (transcriptUpdates) await transcriptUpdates.saveTurn({ ...scope, ...turn });
      else await upsertTranscriptItem(db, { ...scope, ...turn });
    },
    async appendEvent(type, data, atMs) {
      await appendCallEvent(db, { ...scope, type, data, at: new Date(atMs) });
    },
    async saveMetrics(usage: CallUsageTotals, latency: LatencyTotals, atMs) {
      await updateCallMetrics(db, { ...scope, usage, latency, at: new Date(atMs) });
    },
    async finish({ status, reason, usage, latency, atMs }) {
      const at = new Date(atMs);
      const result = await transitionCall(db, { ...scope, to: status, reason, usage, latency, at });
      if (!result.ok) {
        logger.warn({ callId, problem: result.error.kind }, 'call could not be finished through the state machine');
        await updateCallMetrics(db, { ...scope, usage, latency, at });
      }
    },
  };
}
