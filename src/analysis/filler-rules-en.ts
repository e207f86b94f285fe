/**
 * English filler rules (see fillers.ts). Hesitation sounds always count. "like", "you know", "I mean",
 * "sort of"/"kind of", "actually", "basically", "literally" count only in discourse-marker use:
 *
 * - like: not after a subject or auxiliary (I like, would like, don't like), a verb of seeming or a
 *   comparison word (looks like, just like, something like), nor before a number (approximation) or a
 *   noun phrase after "be" (it was like a dream); counts between breaks (", like,"), at the start of a
 *   clause followed by a break, or before an intensifier or another filler (like really, like um).
 * - you know / I mean: not after an auxiliary or wh-word (do you know, what I mean), nor before an
 *   object (you know the answer, I mean it); counts before a break, at the end of a sentence that is
 *   not a question, or before a clause-starting word.
 * - sort of / kind of: not after a determiner (a kind of, what kind of, this sort of).
 * - actually: only in discourse position (clause start, or between breaks); basically (a hedge wherever
 *   it stands) and literally always, except "literally" after a verb of meaning or translation ("take it
 *   literally").
 */

import type { TranscriptToken } from './transcript-tokens.ts';

type Match = { filler: string; length: number } | undefined;

const HESITATIONS: Readonly<Record<string, string>> = {
  um: 'um', umm: 'um', ummm: 'um', uhm: 'um', hm: 'hmm', hmm: 'hmm', hmmm: 'hmm', mm: 'hmm',
  uh: 'uh', uhh: 'uh', uhhh: 'uh', er: 'er', err: 'er', erm: 'erm', ehm: 'erm',
};

const SUBJECTS = new Set(['i', 'you', 'we', 'they', 'people', 'would', "i'd", "you'd", "we'd", "they'd", 'do', 'does', 'did', "don't", "doesn't", "didn't", 'really', 'also', 'still', 'kids', 'children', 'dogs', 'cats', 'to', 'might', 'may', 'will', "won't", 'should', 'could', 'who', 'he', 'she', 'not', 'never', 'always']);
const SEEMING = new Set(['look', 'looks', 'looked', 'looking', 'sound', 'sounds', 'sounded', 'seem', 'seems', 'seemed', 'feel', 'feels', 'felt', 'feeling', 'just', 'much', 'more', 'nothing', 'something', 'anything', 'everything', 'things', 'stuff', 'exactly', 'act', 'acts', 'acted', 'taste', 'tastes', 'smell', 'smells', 'behave', 'behaves', 'be', 'been', 'unlike', 'a', 'the', 'what', "what's", 'is', 'it', 'most', 'least', "it's", 'not', 'quite']);
const BE = new Set(['is', 'was', 'are', 'were', "it's", "that's", "he's", "she's", "they're", "we're", "you're", "i'm", 'be', 'been']);
const DETERMINERS = new Set(['a', 'an', 'the', 'my', 'your', 'his', 'her', 'our', 'their', 'this', 'that', 'these', 'those', 'some']);
const NUMBERS = /^(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|a hundred|half|a few|a couple)$/;
const INTENSIFIERS = new Set(['really', 'totally', 'so', 'super', 'literally', 'just', 'basically', 'actually', 'completely', 'very', 'insane', 'crazy', 'huge', 'amazing', 'awesome', 'weird', 'honestly', 'seriously', 'kind', 'sort', 'um', 'uh', 'like', 'everyone', 'nobody', 'everybody', 'yeah', 'whatever']);
const KNOW_BEFORE = new Set(['do', 'did', 'does', "don't", "didn't", 'if', 'as', 'what', 'whether', 'how', 'when', 'where', 'why', 'who', 'let', 'let', 'would', 'will', 'should', 'could', 'might', 'to', 'that', 'because', 'since', 'and', 'or', 'but', 'already', 'probably', 'all', 'never', 'both', 'now']);
const OBJECTS = new Set(['the', 'a', 'an', 'what', 'that', 'how', 'him', 'her', 'it', 'them', 'me', 'us', 'about', 'where', 'why', 'who', 'when', 'if', 'whether', 'this', 'these', 'those', 'my', 'your', 'his', 'their', 'our', 'any', 'anyone', 'anything', 'someone', 'something', 'everything', 'everyone', 'each', 'which', 'to', 'by', 'exactly', 'well', 'more', 'each', 'nothing', 'much', 'so']);
const MEAN_BEFORE = new Set(['what', 'do', 'did', 'does', 'if', "don't", "didn't", 'really', 'that', 'how', 'which', 'whatever', 'and', 'you']);
const KIND_DETERMINERS = new Set(['a', 'an', 'the', 'what', 'this', 'that', 'which', 'some', 'any', 'one', 'same', 'every', 'no', 'another', 'different', 'certain', 'other', 'right', 'wrong', 'only', 'whole', 'new', 'special', 'best', 'good', 'bad', 'first', 'last', 'my', 'your', 'his', 'her', 'our', 'their', 'of', 'these', 'those', 'that’s', 'weird', 'strange', 'particular', 'each', 'either', 'neither', 'favourite', 'favorite', 'usual', 'perfect']);
const MEANING_VERBS = new Set(['translated', 'translate', 'translates', 'taken', 'take', 'took', 'meant', 'mean', 'means', 'interpreted', 'interpret', 'read', 'quoted', 'copied', 'understood']);

function at(tokens: readonly TranscriptToken[], i: number): string {
  return tokens[i]?.text ?? '';
}

function likeAt(tokens: readonly TranscriptToken[], i: number): Match {
  const token = tokens[i] as TranscriptToken;
  const before = token.breakBefore ? '' : at(tokens, i - 1);
  const after = token.breakAfter ? '' : at(tokens, i + 1);
  if (token.breakBefore && token.breakAfter) return { filler: 'like', length: 1 };
  if (before !== '' && (SUBJECTS.has(before) || SEEMING.has(before))) {
    if (!(BE.has(before) && INTENSIFIERS.has(after))) return undefined;
  }
  if (NUMBERS.test(after) || (after === 'a' && (at(tokens, i + 2) === 'few' || at(tokens, i + 2) === 'couple'))) return undefined;
  if (BE.has(before) && DETERMINERS.has(after)) return undefined;
  if (token.breakAfter && !token.sentenceEnd) return { filler: 'like', length: 1 };
  return INTENSIFIERS.has(after) ? { filler: 'like', length: 1 } : undefined;
}

/** "you know" / "I mean" (two tokens). */
function phraseAt(tokens: readonly TranscriptToken[], i: number, filler: string, blockedBefore: ReadonlySet<string>): Match {
  const first = tokens[i] as TranscriptToken;
  const second = tokens[i + 1] as TranscriptToken;
  const before = first.breakBefore ? '' : at(tokens, i - 1);
  if (blockedBefore.has(before)) return undefined;
  if (second.breakAfter) {
    // "you know?" at the end of a question: the tag counts only when the sentence has more than the tag.
    if (second.sentenceEnd && second.question && first.sentenceStart) return undefined;
    return { filler, length: 2 };
  }
  // After a comma inside a sentence the phrase reformulates ("the team, I mean the department, agreed").
  if (first.breakBefore && !first.sentenceStart) return { filler, length: 2 };
  const after = at(tokens, i + 2);
  if (OBJECTS.has(after)) return undefined;
  if (filler === 'i mean' && (after === 'it' || after === 'to' || after === 'business' || after === 'no')) return undefined;
  if (first.breakBefore || INTENSIFIERS.has(after)) return { filler, length: 2 };
  return undefined;
}

export function englishFillerAt(tokens: readonly TranscriptToken[], i: number): Match {
  const token = tokens[i];
  if (!token) return undefined;
  const word = token.text;
  const hesitation = HESITATIONS[word];
  if (hesitation) return { filler: hesitation, length: 1 };
  const next = tokens[i + 1];
  switch (word) {
    case 'like':
      return likeAt(tokens, i);
    case 'you':
      return next?.text === 'know' && !token.breakAfter ? phraseAt(tokens, i, 'you know', KNOW_BEFORE) : undefined;
    case 'i':
      return next?.text === 'mean' && !token.breakAfter ? phraseAt(tokens, i, 'i mean', MEAN_BEFORE) : undefined;
    case 'sort':
    case 'kind':
      if (next?.text !== 'of' || token.breakAfter) return undefined;
      return KIND_DETERMINERS.has(token.breakBefore ? '' : at(tokens, i - 1)) ? undefined : { filler: `${word} of`, length: 2 };
    case 'kinda':
    case 'sorta':
      return KIND_DETERMINERS.has(token.breakBefore ? '' : at(tokens, i - 1)) ? undefined : { filler: word === 'kinda' ? 'kind of' : 'sort of', length: 1 };
    case 'actually':
      return token.breakBefore || token.breakAfter ? { filler: 'actually', length: 1 } : undefined;
    case 'basically':
      return { filler: 'basically', length: 1 };
    case 'literally':
      // "translated literally", "take it literally".
      return MEANING_VERBS.has(at(tokens, i - 1)) || MEANING_VERBS.has(at(tokens, i - 2)) ? undefined : { filler: 'literally', length: 1 };
    default:
      return undefined;
  }
}
