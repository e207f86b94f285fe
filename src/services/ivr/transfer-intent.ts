import { normaliseForMatching } from '../companies/keyword-responses.ts';
import type { ChatMessage } from './chat-model.ts';
import type { HumanRequestWords } from './phrases.ts';

function containsPhrase(haystack: string, phrase: string): boolean {
  const needle = normaliseForMatching(phrase);
  return needle !== '' && haystack.includes(` ${needle} `);
}

/**
 * Whether the caller asks for a person, from words alone: a strong phrase, or a noun with a request
 * verb (see `HumanRequestWords`). Case, accents and punctuation are ignored; words match whole.
 */
export function asksForHuman(words: HumanRequestWords, utterance: string): boolean {
  const haystack = ` ${normaliseForMatching(utterance)} `;
  if (words.strong.some((phrase) => containsPhrase(haystack, phrase))) return true;
  return words.nouns.some((noun) => containsPhrase(haystack, noun)) && words.verbs.some((verb) => containsPhrase(haystack, verb));
}

const yes = new Set(['yes', 'y', 'true', 'oui', 'vrai', 'si', 'ja', 'yep', 'yeah']);
const no = new Set(['no', 'n', 'false', 'non', 'faux', 'nein', 'nope']);

/**
 * Reads a classifier's yes/no answer. The first word decides, in any of the languages a model
 * might drift into (the seed asked for "vrai"/"faux" and compared the answer to 'true', so it never
 * transferred); anything else is `undefined`, which callers treat as "no".
 */
export function parseYesNo(answer: string): boolean | undefined {
  const first = normaliseForMatching(answer).split(' ')[0] ?? '';
  if (yes.has(first)) return true;
  if (no.has(first)) return false;
  return undefined;
}

/** The classifier's question: one caller utterance, answered with one word. */
export function transferClassifierMessages(utterance: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You classify one utterance of a caller talking to an automated phone assistant. ' +
        'Answer "yes" if the caller asks to speak to a human (an advisor, an agent, an operator, a real person, ' +
        'to be transferred or put through), otherwise "no". Answer with the single English word yes or no.',
    },
    { role: 'user', content: utterance },
  ];
}
