/**
 * Splits transcript text into lower-cased word tokens, keeping what the filler rules need to know
 * about punctuation around each word: a comma/dash/ellipsis before or after it, and whether its
 * sentence ends with a question mark. Apostrophes (’ or ') stay inside words: "don't", "j'veux", and a
 * French elided article stays attached ("l'homme"); hyphens split ("dis-moi" → "dis", "-moi" is not
 * kept as its own sign, "moi" is).
 */

export interface TranscriptToken {
  /** Lower case, typographic apostrophe normalised to '. */
  readonly text: string;
  /** As written (case kept), for rules about names. */
  readonly original: string;
  /** A comma, dash, colon, semicolon or ellipsis, or the start of the text/sentence, right before. */
  readonly breakBefore: boolean;
  /** The same right after (or the end of the text/sentence). */
  readonly breakAfter: boolean;
  /** First word of its sentence. */
  readonly sentenceStart: boolean;
  /** Last word of its sentence. */
  readonly sentenceEnd: boolean;
  /** Its sentence ends with "?". */
  readonly question: boolean;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*['’]?/gu;
const SENTENCE_END = /[.!?]/;
const CLAUSE_BREAK = /[,;:—–…]|(?:^|\s)-(?:\s|$)|\.\.\./;

export function tokenizeTranscript(text: string): TranscriptToken[] {
  const raw: { word: string; gapBefore: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(WORD)) {
    raw.push({ word: match[0], gapBefore: text.slice(last, match.index) });
    last = match.index + match[0].length;
  }
  const tail = text.slice(last);
  const tokens: TranscriptToken[] = [];
  let sentenceStartIndex = 0;
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i] as { word: string; gapBefore: string };
    const gapAfter = i + 1 < raw.length ? (raw[i + 1] as { gapBefore: string }).gapBefore : tail;
    const startsSentence = i === 0 || SENTENCE_END.test(item.gapBefore);
    if (startsSentence) sentenceStartIndex = i;
    const endsSentence = i + 1 === raw.length || SENTENCE_END.test(gapAfter);
    tokens.push({
      text: item.word.toLowerCase().replaceAll('’', "'"),
      original: item.word,
      breakBefore: startsSentence || CLAUSE_BREAK.test(item.gapBefore),
      breakAfter: endsSentence || CLAUSE_BREAK.test(gapAfter),
      sentenceStart: startsSentence,
      sentenceEnd: endsSentence,
      question: false,
    });
    if (endsSentence) {
      const question = gapAfter.includes('?');
      if (question) for (let j = sentenceStartIndex; j <= i; j++) tokens[j] = { ...(tokens[j] as TranscriptToken), question: true };
    }
  }
  return tokens;
}
