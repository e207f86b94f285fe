import { toFeedbackItem, toMilestone, toScores, toStoredFeedback, toVoiceMetrics } from '../coaching-schemas.ts';
import { toSession } from '../session-schemas.ts';
import type { LiveCoachingEvent } from '../../../services/aura/live-coaching.ts';
import type { AuraSessionRow } from '../../../store/schema/aura-sessions.ts';

/** Every server message: `data` is a JSON object (never a JSON string inside JSON, as AURA sent). */
export interface ServerMessage {
  readonly type: string;
  readonly session_id: string;
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The first message of every connection: the session as stored, and what the client may send. */
export function initialized(session: AuraSessionRow, nowMs: number): ServerMessage {
  return {
    type: 'session_initialized',
    session_id: session.id,
    timestamp: new Date(nowMs).toISOString(),
    data: {
      session: toSession(session, nowMs),
      accepts: ['audio_chunk', 'control_command', 'config_update', 'heartbeat', 'request_summary'],
      audio: { format: 'pcm16', encoding: 'base64', sample_rates: '8000-48000 (default 16000)', max_chunk_seconds: 2 },
    },
  };
}

const statusTypes = { started: 'session_started', paused: 'session_paused', resumed: 'session_resumed', ended: 'session_ended' } as const;

/** The wire message of a live coaching event (docs/aura.md, "WebSocket"). */
export function wireOf(event: LiveCoachingEvent, sessionId: string, nowMs: number): ServerMessage {
  const base = { session_id: sessionId, timestamp: new Date(nowMs).toISOString() };
  switch (event.type) {
    case 'performance':
      return {
        ...base,
        type: 'performance_metrics',
        data: {
          at_ms: Math.round(event.atMs),
          window: { voice_metrics: toVoiceMetrics(event.window.snapshot), scores: toScores(event.window.scores) },
          session: { scores: toScores(event.sessionScores), total_chunks: event.session.state.chunks, audio_seconds: Math.round(event.session.state.analysedMs) / 1000, speaking_seconds: Math.round(event.session.state.speechMs) / 1000 },
        },
      };
    case 'realtime':
      return { ...base, type: 'realtime_feedback', data: { at_ms: Math.round(event.atMs), feedback_items: event.items.map(toFeedbackItem), scores: toScores(event.scores) } };
    case 'coaching':
      return { ...base, type: 'coaching_result', data: { feedback: toStoredFeedback(event.feedback) } };
    case 'milestone':
      return { ...base, type: 'milestone_achieved', data: { milestone: toMilestone(event.milestone) } };
    case 'status':
      return { ...base, type: statusTypes[event.status], data: { session: toSession(event.session, nowMs), ...(event.report ? { final_summary: toStoredFeedback(event.report) } : {}) } };
    case 'config':
      return { ...base, type: 'config_updated', data: { session: toSession(event.session, nowMs) } };
    case 'summary':
      return { ...base, type: 'session_summary', data: { session: toSession(event.session, nowMs), feedback: toStoredFeedback(event.feedback) } };
    case 'error':
      return { ...base, type: 'error', data: { code: event.code, message: event.message, recoverable: event.recoverable } };
  }
}
