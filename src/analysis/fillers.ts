/**
 * Filler words in a transcript, English and French. Hesitation sounds (um, euh…) always count; words
 * that are also ordinary words (like, you know, en fait, quoi…) count only where context rules say they
 * are discourse fillers (see filler-rules-en.ts, filler-rules-fr.ts and docs/speech-analysis.md).
 */

import { englishFillerAt } from './filler-rules-en.ts';
import { frenchFillerAt } from './filler-rules-fr.ts';
import { tokenizeTranscript, type TranscriptToken } from './transcript-tokens.ts';
import type { AnalysisLanguage } from './types.ts';

/** One filler found: its canonical form and the token range [start, end) it covers. */
export interface FillerMatch {
  readonly filler: string;
  readonly start: number;
  readonly end: number;
}

/** A language's rule: the filler starting at token `i` (canonical form and length in tokens), if any. */
export type FillerRule = (tokens: readonly TranscriptToken[], i: number) => { filler: string; length: number } | undefined;

const RULES: Readonly<Record<AnalysisLanguage, FillerRule>> = { en: englishFillerAt, fr: frenchFillerAt };

/** Fillers in already tokenised text, left to right, never overlapping. */
export function findFillers(tokens: readonly TranscriptToken[], language: AnalysisLanguage): FillerMatch[] {
  const rule = RULES[language];
  const found: FillerMatch[] = [];
  for (let i = 0; i < tokens.length; ) {
    const match = rule(tokens, i);
    if (match) {
      found.push({ filler: match.filler, start: i, end: i + match.length });
      i += match.length;
    } else {
      i++;
    }
  }
  return found;
}

/** Tokenises `text` and finds its fillers; also returns the word count. */
export function detectFillers(text: string, language: AnalysisLanguage): { words: number; fillers: FillerMatch[] } {
  const tokens = tokenizeTranscript(text);
  return { words: tokens.length, fillers: findFillers(tokens, language) };
}
