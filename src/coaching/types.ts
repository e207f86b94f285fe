/**
 * What coaching reads and writes. Coaching never measures audio itself: it reads a
 * {@link SpeechSnapshot}, the speech analyser's numbers over some stretch of audio (a window, a chunk,
 * a whole session or call), and turns them into scores and feedback in the speaker's language.
 */

export const coachingLanguages = ['fr', 'en'] as const;
export type CoachingLanguage = (typeof coachingLanguages)[number];

/** The speech analyser's measurements over a stretch of audio; `null` where it could not tell. */
export interface SpeechSnapshot {
  /** Audio covered. */
  readonly durationMs: number;
  /** Of which voiced (speech). */
  readonly speechMs: number;
  /** Mean level of the voiced frames, dBFS. */
  readonly levelDbfs: number | null;
  /** Share of frames with clipped samples, 0–1. */
  readonly clippedRatio: number;
  /** Speech level over the noise floor, dB. */
  readonly snrDb: number | null;
  readonly pitchMedianHz: number | null;
  /** Standard deviation of F0 in semitones. */
  readonly pitchVariabilitySt: number | null;
  readonly monotone: boolean | null;
  /** Silences between speech long enough to count as pauses. */
  readonly pauseCount: number;
  readonly longPauseCount: number;
  readonly meanPauseMs: number | null;
  /** Syllable nuclei per second of voiced time, from the envelope (no transcript needed). */
  readonly syllablesPerSecond: number | null;
  /** From the transcript's words and timing, when there is a transcript. */
  readonly wordsPerMinute: number | null;
  /** `null` without a transcript: fillers are counted from words, never guessed from audio. */
  readonly wordCount: number | null;
  readonly fillerCount: number | null;
}

export const dimensions = ['pace', 'pauses', 'intonation', 'volume', 'clarity', 'fluency'] as const;
export type Dimension = (typeof dimensions)[number];

/** 0–100 per dimension (`null`: not enough evidence, e.g. fluency without a transcript) and overall. */
export interface Scores {
  readonly overall: number | null;
  readonly dimensions: Readonly<Record<Dimension, number | null>>;
}

export type FeedbackSeverity = 'info' | 'warning' | 'critical';

/** One rule-based observation, in the speaker's language. */
export interface FeedbackItem {
  readonly type: Dimension;
  /** A stable id of the rule that fired (`pace_fast`, `monotone`…), for clients and throttling. */
  readonly rule: string;
  readonly category: 'technique' | 'delivery';
  readonly severity: FeedbackSeverity;
  readonly message: string;
  readonly suggestions: readonly string[];
  /** The dimension's score, 0–100. */
  readonly score: number | null;
}

export interface Improvement {
  readonly area: Dimension;
  readonly issue: string;
  readonly tip: string;
  readonly why: string;
}

/** A coaching answer. `source` says who wrote the text: the model, or the rules when it failed or is off. */
export interface CoachingResult {
  readonly source: 'rules' | 'model';
  /** Why the rules answered when a model was asked for (`model_not_configured`, `model_failed`, `invalid_model_output`). */
  readonly fallbackReason: string | null;
  readonly language: CoachingLanguage;
  readonly scores: Scores;
  readonly summary: string;
  readonly strengths: readonly string[];
  readonly improvements: readonly Improvement[];
  readonly encouragement: string;
  readonly nextFocus: Dimension | null;
  readonly items: readonly FeedbackItem[];
}
