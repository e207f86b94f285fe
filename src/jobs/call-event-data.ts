import { turnData } from '../services/webhooks/transcript-updates.ts';
import type { CallRow } from '../store/schema/calls.ts';
import type { CallAnalysisRow } from '../store/schema/call-analyses.ts';
import type { JsonObject } from '../store/schema/jobs.ts';
import type { TranscriptItemRow } from '../store/schema/transcript-items.ts';

function callFields(call: CallRow): JsonObject {
  return {
    id: call.id,
    userId: call.userId,
    agentId: call.agentId,
    agent: { name: call.agentSnapshot.name, engine: call.agentSnapshot.engine, voice: call.agentSnapshot.voice, language: call.agentSnapshot.language },
    channel: call.channel,
    direction: call.direction,
    metadata: { ...call.metadata },
    createdAt: call.createdAt.toISOString(),
    startedAt: call.startedAt?.toISOString() ?? null,
  };
}

/** `data` of `call.started`: the call as it started (no status: by delivery time it may have moved on). */
export function callStartedData(call: CallRow): JsonObject {
  return { call: callFields(call) };
}

/** `data` of `call.ended`: the finished call, its usage and latency, and the whole transcript. */
export function callEndedData(call: CallRow, transcript: readonly TranscriptItemRow[]): JsonObject {
  return {
    call: {
      ...callFields(call),
      status: call.status,
      endedAt: call.endedAt?.toISOString() ?? null,
      endReason: call.endReason,
      durationMs: call.durationMs,
      usage: call.usage === null ? null : { ...call.usage },
      latency: call.latency === null ? null : { ...call.latency },
    },
    transcript: transcript.map(turnData),
  };
}

/** `data` of `call.analyzed`: the call and its analysis (skipped with a reason, or its outputs). */
export function callAnalyzedData(call: CallRow, analysis: CallAnalysisRow): JsonObject {
  return {
    call: { ...callFields(call), status: call.status, endedAt: call.endedAt?.toISOString() ?? null, durationMs: call.durationMs },
    analysis: {
      status: analysis.status,
      reason: analysis.reason,
      summary: analysis.summary,
      extraction: analysis.extraction,
      evaluation: analysis.evaluation,
      model: analysis.model,
      usage: analysis.usage === null ? null : { ...analysis.usage },
      analyzedAt: analysis.analyzedAt.toISOString(),
    },
  };
}

/** `data` of the final `transcript.updated`: every turn of the ended call. */
export function finalTranscriptData(call: CallRow, transcript: readonly TranscriptItemRow[]): JsonObject {
  return {
    final: true,
    call: { id: call.id, status: call.status, endedAt: call.endedAt?.toISOString() ?? null },
    transcript: transcript.map(turnData),
  };
}
