/**
 * French filler rules (see fillers.ts). Hesitations (euh, heu, hum, bah, hein) always count. Words that
 * are also ordinary French count only in discourse use:
 *
 * - ben: not when written « Ben » inside a sentence or before a verb (the name Ben).
 * - bon: only at the start of a clause before a break or another filler (« bon, ben… », « bon euh »).
 * - du coup: not before « de/d' » or « franc » (« du coup de fil », « du coup franc »).
 * - en fait: not after a subject or clitic (« il en fait trop », « qu'en fait-il »).
 * - genre: not after a determiner or before « de » (« ce genre de », « le genre humain »).
 * - voilà: only before a break or at the end of a sentence, and not after an object pronoun
 *   (« le voilà », « me voilà »), never before a noun phrase (« voilà le train »).
 * - tu vois / vous voyez / je veux dire: before a break or at the end of a sentence that is not a
 *   question, never before an object (« tu vois le problème », « je veux dire merci »).
 * - quoi: only at the end of a clause that is not a question, and not after a verb or a preposition that
 *   takes it (« c'est quoi », « de quoi », « tu fais quoi »).
 */

import type { TranscriptToken } from './transcript-tokens.ts';

type Match = { filler: string; length: number } | undefined;

const HESITATIONS: Readonly<Record<string, string>> = {
  euh: 'euh', euhh: 'euh', euuh: 'euh', heu: 'euh', euhm: 'euh', hum: 'hum', hmm: 'hum', mmh: 'hum', bah: 'bah', hein: 'hein',
};
const SUBJECTS = new Set(['il', 'elle', 'on', 'qui', 'ça', 'ce', "qu'", 'n', "n'en", 'ne', 'je', 'tu', 'nous', 'vous', 'ils', 'elles', 'lui', 'monde', 'personne', 'chacun', 'que', "qu'il", "qu'elle", "qu'on", 'quoi', 'pas', 'rien', "s'en", "m'en", "t'en", 'se', 'me', 'te']);
const DETERMINERS = new Set(['le', 'un', 'ce', 'mon', 'ton', 'son', 'notre', 'votre', 'leur', 'quel', 'quelle', 'du', 'de', 'tout', 'en', 'même', 'au', 'des', 'bon', 'autre', 'nouveau', 'mauvais', 'cet', 'tel', 'quelque', "d'un", 'premier', 'seul']);
const OBJECT_PRONOUNS = new Set(['le', 'la', 'les', 'me', 'te', 'nous', 'vous', 'en', "l'", 'et', 'nous', 'ah']);
const NOUN_PHRASE = new Set(['le', 'la', 'les', 'un', 'une', 'des', 'pourquoi', 'comment', 'ce', 'ceux', 'celui', 'celle', 'qui', 'que', "qu'il", 'mon', 'ma', 'mes', 'ton', 'ta', 'tes', 'son', 'sa', 'ses', 'notre', 'nos', 'votre', 'vos', 'leur', 'leurs', 'deux', 'trois', 'dix', 'longtemps', 'enfin', 'bien', 'tout', 'où', "l'", "qu'on", 'du', 'de', 'il', 'elle', 'on', 'nous', 'vous', 'ils', 'elles', 'je', 'tu', 'mes', "c'est", 'ici', 'là', 'encore', 'déjà', 'notre', 'votre', 'quelqu\'un', 'quelque', 'cinq', 'six', 'quatre']);
const SEE_OBJECTS = new Set(['le', 'la', 'les', 'un', 'une', 'des', 'ce', 'ça', 'comment', 'pourquoi', 'où', 'qui', 'que', 'quoi', 'si', 'mon', 'ma', 'mes', 'ton', 'ta', 'tes', 'son', 'sa', 'ses', 'notre', 'votre', 'leur', 'leurs', 'bien', 'rien', 'personne', 'pas', "qu'il", "qu'elle", "qu'on", "l'", 'clair', 'juste', 'merci', 'par', 'quelque', 'quelqu\'un', 'du', 'de', 'à', 'tout', 'cette', 'cet', 'ces', 'mieux', 'plus', 'moins']);
const QUOI_BLOCKERS = new Set(["c'est", 'est', 'fais', 'fait', 'faites', 'font', 'dit', 'dis', 'à', 'de', 'pour', 'sur', 'avec', 'en', 'sans', 'par', 'veux', 'veut', 'voulez', 'faire', 'sais', 'sait', 'pense', 'penses', 'pensez', 'crois', 'vois', 'voit', 'reste', 'mange', 'manges', 'dire', 'après', 'et', 'ou', 'quoi', 'mais', 'regardes', 'cherches', 'attends', 'attend', 'a', 'as', 'avez', 'savoir', 'ça', 'prends', 'bois', 'était', "c'était", 'étais', 'sera', 'parles', 'parle', 'parlez', 'entendu', 'dit', 'vu']);

const NAME_VERBS = new Set(['est', 'a', "m'a", "t'a", 'vient', 'arrive', 'dit', 'était', 'sera', 'va', 'veut', 'peut', 'fait', 'habite', 'travaille', 'et', 'aussi']);

function at(tokens: readonly TranscriptToken[], i: number): string {
  return tokens[i]?.text ?? '';
}

function endsHere(token: TranscriptToken): boolean {
  return token.breakAfter || token.sentenceEnd;
}

/** A tag phrase (tu vois, vous voyez, je veux dire) starting at i and `length` tokens long. */
function tagAt(tokens: readonly TranscriptToken[], i: number, length: number, filler: string): Match {
  const last = tokens[i + length - 1] as TranscriptToken;
  const first = tokens[i] as TranscriptToken;
  const before = first.breakBefore ? '' : at(tokens, i - 1);
  if (before === 'que' || before === "est-ce" || before === 'si' || before === 'ce') return undefined;
  if (endsHere(last)) return last.question ? undefined : { filler, length };
  const after = at(tokens, i + length);
  if (SEE_OBJECTS.has(after) || after.includes("'")) return undefined;
  return first.breakBefore && (after === 'euh' || after === 'quoi' || after === 'hein') ? { filler, length } : undefined;
}

export function frenchFillerAt(tokens: readonly TranscriptToken[], i: number): Match {
  const token = tokens[i];
  if (!token) return undefined;
  const word = token.text;
  const hesitation = HESITATIONS[word];
  if (hesitation) return { filler: hesitation, length: 1 };
  const next = tokens[i + 1];
  const before = token.breakBefore ? '' : at(tokens, i - 1);
  switch (word) {
    case 'ben':
      // "Ben" with a capital is the name inside a sentence, and at its start before a verb.
      if (token.original === 'Ben' && (!token.sentenceStart || NAME_VERBS.has(at(tokens, i + 1)))) return undefined;
      return { filler: 'ben', length: 1 };
    case 'bon':
      if (!token.breakBefore) return undefined;
      return token.breakAfter || next?.text === 'ben' || next?.text === 'euh' || next?.text === 'bah' || next?.text === 'alors'
        ? { filler: 'bon', length: 1 }
        : undefined;
    case 'du':
      if (next?.text !== 'coup' || token.breakAfter) return undefined;
      if (!next.breakAfter && /^(de|d'|franc|du|dur|monté|d'état|d'œil|d'oeil|de fil|classique)/.test(at(tokens, i + 2))) return undefined;
      return { filler: 'du coup', length: 2 };
    case 'en':
      if (next?.text !== 'fait' || token.breakAfter) return undefined;
      if (SUBJECTS.has(before) || before.endsWith("'") || before.endsWith("n'")) return undefined;
      if (!next.breakAfter && /^(-|il|elle|on|trop|une|des|un|autant|le|la|les)$/.test(at(tokens, i + 2))) return undefined;
      return { filler: 'en fait', length: 2 };
    case 'genre':
      if (DETERMINERS.has(before) || before.endsWith("'")) return undefined;
      if (!token.breakAfter && /^(de|d'|humain|musical|littéraire|masculin|féminin|neutre)$/.test(at(tokens, i + 1))) return undefined;
      if (!token.breakAfter && (at(tokens, i + 1).startsWith("d'"))) return undefined;
      return { filler: 'genre', length: 1 };
    case 'voilà':
    case 'voila':
      if (OBJECT_PRONOUNS.has(before) && before !== 'et') return undefined;
      if (endsHere(token)) return token.question ? undefined : { filler: 'voilà', length: 1 };
      return NOUN_PHRASE.has(at(tokens, i + 1)) || at(tokens, i + 1).includes("'") ? undefined : { filler: 'voilà', length: 1 };
    case 'tu':
      return next?.text === 'vois' && !token.breakAfter ? tagAt(tokens, i, 2, 'tu vois') : undefined;
    case 'vous':
      return next?.text === 'voyez' && !token.breakAfter ? tagAt(tokens, i, 2, 'vous voyez') : undefined;
    case 'je':
      return next?.text === 'veux' && at(tokens, i + 2) === 'dire' && !token.breakAfter && !next.breakAfter ? tagAt(tokens, i, 3, 'je veux dire') : undefined;
    case "j'veux":
      return at(tokens, i + 1) === 'dire' ? tagAt(tokens, i, 2, 'je veux dire') : undefined;
    case 'quoi':
      if (!endsHere(token) || token.question || token.sentenceStart) return undefined;
      // "c'était bien, quoi": the word before the comma still decides.
      return QUOI_BLOCKERS.has(at(tokens, i - 1)) ? undefined : { filler: 'quoi', length: 1 };
    default:
      return undefined;
  }
}
