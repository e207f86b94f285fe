import type { CoachingLanguage } from './types.ts';

/** `ideal` scores 100; the score falls to 60 at the edges of `acceptable` and to 0 as far again beyond them. */
export interface Band {
  readonly ideal: readonly [number, number];
  readonly acceptable: readonly [number, number];
}

/**
 * What a presentation in each language is expected to sound like. Ranges, not a single target: a
 * speaker inside `ideal` gets no remark. French is spoken with more (shorter) syllables per second
 * and flatter intonation within the phrase than English, and uses shorter pauses.
 */
export interface LanguageExpectations {
  /** Words per minute (transcript). */
  readonly wordsPerMinute: Band;
  /** Syllable nuclei per second of voiced time (envelope). */
  readonly syllablesPerSecond: Band;
  /** Pauses per minute of audio. */
  readonly pausesPerMinute: Band;
  /** A pause this long or longer loses the audience. */
  readonly longPauseMs: number;
  /** F0 standard deviation, semitones; below `acceptable[0]` sounds monotone. */
  readonly pitchVariabilitySt: Band;
  /** Mean speech level, dBFS. */
  readonly levelDbfs: Band;
  /** Speech over noise, dB (higher is better; the band's top is open). */
  readonly snrDb: Band;
  /** Filler words per minute of speech (lower is better). */
  readonly fillersPerMinute: Band;
}

const shared = {
  levelDbfs: { ideal: [-28, -12], acceptable: [-38, -6] },
  snrDb: { ideal: [25, Number.POSITIVE_INFINITY], acceptable: [15, Number.POSITIVE_INFINITY] },
  fillersPerMinute: { ideal: [0, 2], acceptable: [0, 5] },
} as const satisfies Partial<LanguageExpectations>;

export const languageExpectations: Readonly<Record<CoachingLanguage, LanguageExpectations>> = {
  en: {
    ...shared,
    wordsPerMinute: { ideal: [130, 165], acceptable: [110, 185] },
    syllablesPerSecond: { ideal: [3.3, 4.7], acceptable: [2.7, 5.5] },
    pausesPerMinute: { ideal: [4, 12], acceptable: [2, 18] },
    longPauseMs: 2500,
    pitchVariabilitySt: { ideal: [2.5, 7], acceptable: [1.5, 10] },
  },
  fr: {
    ...shared,
    wordsPerMinute: { ideal: [140, 180], acceptable: [115, 200] },
    syllablesPerSecond: { ideal: [4, 5.6], acceptable: [3.3, 6.5] },
    pausesPerMinute: { ideal: [5, 14], acceptable: [2, 20] },
    longPauseMs: 2000,
    pitchVariabilitySt: { ideal: [2, 6], acceptable: [1.2, 9] },
  },
};

/** 0–100: 100 inside `ideal`, 60 at the edges of `acceptable`, 0 as far again beyond. */
export function bandScore(value: number, band: Band): number {
  const [lo, hi] = band.ideal;
  const [alo, ahi] = band.acceptable;
  if (value >= lo && value <= hi) return 100;
  const below = value < lo;
  const margin = below ? lo - alo : ahi - hi;
  const distance = below ? lo - value : value - hi;
  if (!(margin > 0) || !Number.isFinite(margin)) return 0;
  if (distance <= margin) return Math.round(100 - (40 * distance) / margin);
  return Math.round(Math.max(0, 60 - (60 * (distance - margin)) / margin));
}

/** Where a value sits against a band. */
export function bandPosition(value: number, band: Band): 'low' | 'ideal' | 'high' | 'too_low' | 'too_high' {
  if (value < band.acceptable[0]) return 'too_low';
  if (value > band.acceptable[1]) return 'too_high';
  if (value < band.ideal[0]) return 'low';
  if (value > band.ideal[1]) return 'high';
  return 'ideal';
}
