import { bandScore, languageExpectations } from './language-expectations.ts';
import { dimensions, type CoachingLanguage, type Dimension, type Scores, type SpeechSnapshot } from './types.ts';

/** Less speech than this says nothing about pace, pitch or level. */
export const MIN_SPEECH_MS = 2000;
/** A pause rate needs this much audio. */
export const MIN_AUDIO_FOR_PAUSE_RATE_MS = 10_000;

/** How much each dimension counts in the overall score (renormalised over the dimensions that have a score). */
export const dimensionWeights: Readonly<Record<Dimension, number>> = {
  pace: 0.25,
  pauses: 0.15,
  intonation: 0.2,
  volume: 0.15,
  clarity: 0.1,
  fluency: 0.15,
};

const minutes = (ms: number) => ms / 60_000;

function paceScore(s: SpeechSnapshot, language: CoachingLanguage): number | null {
  const e = languageExpectations[language];
  if (s.speechMs < MIN_SPEECH_MS) return null;
  // Words per minute from a transcript beats syllables from the envelope when both exist.
  if (s.wordsPerMinute !== null) return bandScore(s.wordsPerMinute, e.wordsPerMinute);
  if (s.syllablesPerSecond !== null) return bandScore(s.syllablesPerSecond, e.syllablesPerSecond);
  return null;
}

function pauseScore(s: SpeechSnapshot, language: CoachingLanguage): number | null {
  const e = languageExpectations[language];
  if (s.speechMs < MIN_SPEECH_MS) return null;
  const longPenalty = 15 * s.longPauseCount;
  if (s.durationMs < MIN_AUDIO_FOR_PAUSE_RATE_MS) return Math.max(0, 100 - longPenalty);
  return Math.max(0, bandScore(s.pauseCount / minutes(s.durationMs), e.pausesPerMinute) - longPenalty);
}

function intonationScore(s: SpeechSnapshot, language: CoachingLanguage): number | null {
  if (s.speechMs < MIN_SPEECH_MS || s.pitchVariabilitySt === null) return null;
  return bandScore(s.pitchVariabilitySt, languageExpectations[language].pitchVariabilitySt);
}

function volumeScore(s: SpeechSnapshot, language: CoachingLanguage): number | null {
  if (s.speechMs < MIN_SPEECH_MS || s.levelDbfs === null) return null;
  const clipping = s.clippedRatio > 0.01 ? 30 : s.clippedRatio > 0.001 ? 10 : 0;
  return Math.max(0, bandScore(s.levelDbfs, languageExpectations[language].levelDbfs) - clipping);
}

function clarityScore(s: SpeechSnapshot, language: CoachingLanguage): number | null {
  if (s.speechMs < MIN_SPEECH_MS || s.snrDb === null) return null;
  return bandScore(s.snrDb, languageExpectations[language].snrDb);
}

function fluencyScore(s: SpeechSnapshot, language: CoachingLanguage): number | null {
  if (s.fillerCount === null || s.wordCount === null || s.speechMs < MIN_SPEECH_MS) return null;
  return bandScore(s.fillerCount / minutes(s.speechMs), languageExpectations[language].fillersPerMinute);
}

const scorers: Readonly<Record<Dimension, (s: SpeechSnapshot, language: CoachingLanguage) => number | null>> = {
  pace: paceScore,
  pauses: pauseScore,
  intonation: intonationScore,
  volume: volumeScore,
  clarity: clarityScore,
  fluency: fluencyScore,
};

/** Scores 0–100 per dimension against the language's expectations, and their weighted mean. */
export function scoreSnapshot(snapshot: SpeechSnapshot, language: CoachingLanguage): Scores {
  const entries = dimensions.map((d) => [d, scorers[d](snapshot, language)] as const);
  let sum = 0;
  let weight = 0;
  for (const [d, score] of entries) {
    if (score === null) continue;
    sum += score * dimensionWeights[d];
    weight += dimensionWeights[d];
  }
  return {
    overall: weight === 0 ? null : Math.round(sum / weight),
    dimensions: Object.fromEntries(entries) as Record<Dimension, number | null>,
  };
}

/** An overall score at or above this is "excellent" (the first such session is a milestone). */
export const EXCELLENT_SCORE = 85;

export function gradeOf(overall: number, language: CoachingLanguage): string {
  const grades = language === 'fr' ? ['Excellent', 'Très bien', 'Bien', 'Correct', 'À améliorer'] : ['Excellent', 'Very good', 'Good', 'Fair', 'Needs work'];
  const index = overall >= EXCELLENT_SCORE ? 0 : overall >= 75 ? 1 : overall >= 65 ? 2 : overall >= 50 ? 3 : 4;
  return grades[index] ?? '';
}
