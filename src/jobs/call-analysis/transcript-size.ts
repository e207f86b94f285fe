import { defaultThresholds, type AnalysisThresholds } from '../../core/analysis-plan.ts';
import type { TranscriptItemRow } from '../../store/schema/transcript-items.ts';

/** How much was said: characters and words of the caller's and agent's turns, and the caller's words. */
export interface TranscriptSize {
  readonly chars: number;
  readonly words: number;
  readonly callerWords: number;
}

function wordCount(text: string): number {
  return text.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** Counts the spoken turns only (system and tool items are not conversation). */
export function measureTranscript(transcript: readonly Pick<TranscriptItemRow, 'role' | 'text'>[]): TranscriptSize {
  let chars = 0;
  let words = 0;
  let callerWords = 0;
  for (const item of transcript) {
    if (item.role !== 'user' && item.role !== 'assistant') continue;
    const text = item.text.trim();
    const count = wordCount(text);
    chars += text.length;
    words += count;
    if (item.role === 'user') callerWords += count;
  }
  return { chars, words, callerWords };
}

/** Why the transcript is too short to analyse under the thresholds (defaults 50 / 10 / 5), or `undefined`. */
export function tooShortReason(size: TranscriptSize, thresholds: AnalysisThresholds | undefined): string | undefined {
  const minChars = thresholds?.minChars ?? defaultThresholds.minChars;
  const minWords = thresholds?.minWords ?? defaultThresholds.minWords;
  const minCallerWords = thresholds?.minCallerWords ?? defaultThresholds.minCallerWords;
  const short: string[] = [];
  if (size.chars < minChars) short.push(`${String(size.chars)} characters (minimum ${String(minChars)})`);
  if (size.words < minWords) short.push(`${String(size.words)} words (minimum ${String(minWords)})`);
  if (size.callerWords < minCallerWords) short.push(`${String(size.callerWords)} caller words (minimum ${String(minCallerWords)})`);
  return short.length === 0 ? undefined : `transcript too short: ${short.join(', ')}`;
}
