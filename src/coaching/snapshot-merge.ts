import type { SpeechSnapshot } from './types.ts';

/** A snapshot of no audio: the identity of {@link mergeSnapshots}. */
export const emptySnapshot: SpeechSnapshot = {
  durationMs: 0,
  speechMs: 0,
  levelDbfs: null,
  clippedRatio: 0,
  snrDb: null,
  pitchMedianHz: null,
  pitchVariabilitySt: null,
  monotone: null,
  pauseCount: 0,
  longPauseCount: 0,
  meanPauseMs: null,
  syllablesPerSecond: null,
  wordsPerMinute: null,
  wordCount: null,
  fillerCount: null,
};

/** Mean of two optional values weighted by `wa` and `wb` (a missing one does not count). */
function weighted(a: number | null, wa: number, b: number | null, wb: number): number | null {
  if (a === null || wa <= 0) return b;
  if (b === null || wb <= 0) return a;
  return (a * wa + b * wb) / (wa + wb);
}

function sum(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/**
 * Two stretches of a session as one: counts add up, levels and rates are weighted by speech time.
 * Medians and deviations become speech-weighted means of the parts (close enough for stretches of
 * seconds; the live stream's whole-session figures come from the analyser itself).
 */
export function mergeSnapshots(a: SpeechSnapshot, b: SpeechSnapshot): SpeechSnapshot {
  const wa = a.speechMs;
  const wb = b.speechMs;
  const pausesA = a.meanPauseMs === null ? 0 : a.pauseCount;
  const pausesB = b.meanPauseMs === null ? 0 : b.pauseCount;
  const variability = weighted(a.pitchVariabilitySt, wa, b.pitchVariabilitySt, wb);
  return {
    durationMs: a.durationMs + b.durationMs,
    speechMs: wa + wb,
    levelDbfs: weighted(a.levelDbfs, wa, b.levelDbfs, wb),
    clippedRatio: a.durationMs + b.durationMs === 0 ? 0 : (a.clippedRatio * a.durationMs + b.clippedRatio * b.durationMs) / (a.durationMs + b.durationMs),
    snrDb: weighted(a.snrDb, wa, b.snrDb, wb),
    pitchMedianHz: weighted(a.pitchMedianHz, wa, b.pitchMedianHz, wb),
    pitchVariabilitySt: variability,
    monotone: a.monotone === null ? b.monotone : b.monotone === null ? a.monotone : wa >= wb ? a.monotone : b.monotone,
    pauseCount: a.pauseCount + b.pauseCount,
    longPauseCount: a.longPauseCount + b.longPauseCount,
    meanPauseMs: weighted(a.meanPauseMs, pausesA, b.meanPauseMs, pausesB),
    syllablesPerSecond: weighted(a.syllablesPerSecond, wa, b.syllablesPerSecond, wb),
    wordsPerMinute: weighted(a.wordsPerMinute, wa, b.wordsPerMinute, wb),
    wordCount: sum(a.wordCount, b.wordCount),
    fillerCount: sum(a.fillerCount, b.fillerCount),
  };
}
