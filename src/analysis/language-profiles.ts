/**
 * Per-language constants of the analyser. Pause and monotone thresholds follow AURA's language
 * configuration (converted from its units, see docs/speech-analysis.md); nuclei per word were
 * measured by scripts/calibrate-syllable-rate.ts on calibration texts the accuracy tests never see.
 */

import type { AnalysisLanguage } from './types.ts';

export interface LanguageProfile {
  /** Default long pause (AURA: en 2.5 s, fr 2.0 s). */
  readonly longPauseMs: number;
  /**
   * Monotone below this F0 standard deviation in semitones. AURA flags monotone when std/mean of F0
   * (coefficient of variation) is under 0.12 (en) or 0.08 (fr); 12·log2(1 + cv) makes that 2.0 and
   * 1.3 semitones.
   */
  readonly monotoneSemitones: number;
  /** Syllable nuclei the detector finds per transcript word, used to estimate words from syllables. */
  readonly nucleiPerWord: number;
}

const PROFILES: Readonly<Record<AnalysisLanguage, LanguageProfile>> = {
  en: { longPauseMs: 2500, monotoneSemitones: 2.0, nucleiPerWord: 1.47 },
  fr: { longPauseMs: 2000, monotoneSemitones: 1.3, nucleiPerWord: 1.48 },
};

export function languageProfile(language: AnalysisLanguage): LanguageProfile {
  return PROFILES[language];
}
