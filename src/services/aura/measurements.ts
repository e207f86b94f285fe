import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createSpeechAnalyser } from '../../analysis/index.ts';
import type { SpeechReport } from '../../analysis/types.ts';
import { snapshotOfReport } from '../../coaching/snapshot-of-report.ts';
import { mergeSnapshots, emptySnapshot } from '../../coaching/snapshot-merge.ts';
import { scoreSnapshot } from '../../coaching/scores.ts';
import type { CoachingLanguage, Scores, SpeechSnapshot } from '../../coaching/types.ts';
import type { Database } from '../../store/database.ts';
import { insertAuraAnalysis } from '../../store/queries/aura-analyses.ts';
import { getAuraSession, saveSessionMeasurements } from '../../store/queries/aura-sessions.ts';
import type { AuraAnalysisRow, AuraAnalysisSource } from '../../store/schema/aura-analyses.ts';
import type { AuraSessionRow } from '../../store/schema/aura-sessions.ts';
import { ANALYSIS_RATE_HZ } from './audio-upload.ts';

/** Audio handed to the analyser per turn of the event loop: analysing a long upload never blocks live calls. */
const SLICE_MS = 1000;

/** Hands 16 kHz PCM16 to `push`, in as many pieces as it likes, and resolves when done. */
export type AudioFeed = (push: (samples: Int16Array) => void) => Promise<void>;

/** A whole buffer of 16 kHz PCM16 as a feed, one second per event-loop turn. */
export function feedOf(samples: Int16Array): AudioFeed {
  const slice = Math.round((ANALYSIS_RATE_HZ * SLICE_MS) / 1000);
  return async (push) => {
    for (let at = 0; at < samples.length; at += slice) {
      push(samples.subarray(at, Math.min(samples.length, at + slice)));
      if (at + slice < samples.length) await yieldToLoop();
    }
  };
}

/** Runs the speech analyser over a chunk or a decoded upload (16 kHz PCM16), with the transcript when there is one. */
export async function analyseAudio(feed: AudioFeed, language: CoachingLanguage, transcript?: string): Promise<{ report: SpeechReport; snapshot: SpeechSnapshot }> {
  const analyser = createSpeechAnalyser({ sampleRateHz: ANALYSIS_RATE_HZ, language });
  await feed((samples) => {
    analyser.push(samples);
  });
  if (transcript !== undefined && transcript.trim() !== '') analyser.addWords(transcript);
  const report = analyser.report();
  return { report, snapshot: snapshotOfReport(report) };
}

export interface RecordedStretch {
  readonly analysis: AuraAnalysisRow;
  readonly session: { readonly snapshot: SpeechSnapshot; readonly scores: Scores };
}

/**
 * Stores one analysed stretch of a session and folds it into the session's totals and whole-session
 * measurements, in one transaction (the session row is locked, so concurrent chunks number in order).
 */
export async function recordStretch(
  db: Database,
  params: { session: AuraSessionRow; snapshot: SpeechSnapshot; source: AuraAnalysisSource; at: Date; sessionSnapshot?: SpeechSnapshot },
): Promise<RecordedStretch> {
  const { session: s } = params;
  return db.transaction(async (tx) => {
    const locked = await getAuraSession(tx, { tenantId: s.tenantId, userId: s.userId }, s.id, { forUpdate: true });
    const current = locked ?? s;
    const seq = current.state.chunks + 1;
    const scores = scoreSnapshot(params.snapshot, current.language);
    const analysis = await insertAuraAnalysis(tx, { tenantId: s.tenantId, sessionId: s.id, seq, source: params.source, startMs: Math.round(current.state.analysedMs), snapshot: params.snapshot, scores, at: params.at });
    const sessionSnapshot = params.sessionSnapshot ?? mergeSnapshots(current.snapshot ?? emptySnapshot, params.snapshot);
    const sessionScores = scoreSnapshot(sessionSnapshot, current.language);
    const state = { chunks: seq, analysedMs: current.state.analysedMs + params.snapshot.durationMs, speechMs: current.state.speechMs + params.snapshot.speechMs };
    await saveSessionMeasurements(tx, { tenantId: s.tenantId, sessionId: s.id, state, snapshot: sessionSnapshot, scores: sessionScores, at: params.at });
    return { analysis, session: { snapshot: sessionSnapshot, scores: sessionScores } };
  });
}
