import type { SpeechReport, SpeechWindowMetrics } from '../analysis/types.ts';
import type { SpeechSnapshot } from './types.ts';

/** Mean level of speech frames: the noise floor plus the SNR (both from the analyser), `null` before speech. */
function speechLevel(noise: SpeechReport['noise']): number | null {
  return noise.snrDb === null ? null : noise.noiseFloorDbfs + noise.snrDb;
}

/** The analyser's report over a whole stream as coaching reads it. */
export function snapshotOfReport(r: SpeechReport): SpeechSnapshot {
  const words = r.rate.wordCount;
  return {
    durationMs: r.analysedMs,
    speechMs: r.voiceActivity.speakingMs,
    levelDbfs: speechLevel(r.noise),
    clippedRatio: r.level.clippingRatio,
    snrDb: r.noise.snrDb,
    pitchMedianHz: r.pitch.medianHz,
    pitchVariabilitySt: r.pitch.variabilitySemitones,
    monotone: r.pitch.monotone,
    pauseCount: r.pauses.count,
    longPauseCount: r.pauses.longCount,
    meanPauseMs: r.pauses.meanMs,
    syllablesPerSecond: r.rate.syllablesPerSecond,
    wordsPerMinute: r.rate.transcriptWordsPerMinute,
    wordCount: words > 0 ? words : null,
    fillerCount: words > 0 ? r.fillers.count : null,
  };
}

/**
 * What happened between two reports of the same stream (`before` `null`: since its start), for live
 * feedback on recent speech: counts are differences; level, SNR and pitch come from the analyser's
 * rolling window (its last seconds) when it holds speech, else from the report.
 */
export function snapshotBetween(before: SpeechReport | null, now: SpeechReport, window: SpeechWindowMetrics): SpeechSnapshot {
  if (before === null) return snapshotOfReport(now);
  const speechMs = now.voiceActivity.speakingMs - before.voiceActivity.speakingMs;
  const recent = now.pauses.pauses.filter((p) => p.endMs > before.analysedMs);
  const windowHasSpeech = window.voiceActivity.speakingMs > 0;
  const source = windowHasSpeech ? window : now;
  const syllables = now.rate.syllableCount - before.rate.syllableCount;
  const words = now.rate.wordCount - before.rate.wordCount;
  const fillers = now.fillers.count - before.fillers.count;
  return {
    durationMs: now.analysedMs - before.analysedMs,
    speechMs,
    levelDbfs: speechLevel(source.noise),
    clippedRatio: window.level.clippingRatio,
    snrDb: source.noise.snrDb,
    pitchMedianHz: source.pitch.medianHz,
    pitchVariabilitySt: source.pitch.variabilitySemitones,
    monotone: source.pitch.monotone,
    pauseCount: now.pauses.count - before.pauses.count,
    longPauseCount: now.pauses.longCount - before.pauses.longCount,
    meanPauseMs: recent.length === 0 ? null : recent.reduce((a, p) => a + p.durationMs, 0) / recent.length,
    syllablesPerSecond: speechMs > 0 && syllables >= 0 ? syllables / (speechMs / 1000) : null,
    wordsPerMinute: words > 0 && speechMs > 0 ? words / (speechMs / 60_000) : null,
    wordCount: words > 0 ? words : null,
    fillerCount: words > 0 ? fillers : null,
  };
}
