import { describe, expect, it } from 'vitest';
import { phrasesFor } from './phrases.ts';
import { asksForHuman, parseYesNo } from './transfer-intent.ts';

const fr = phrasesFor('fr-FR').humanRequest;
const en = phrasesFor('en-US').humanRequest;

describe('asking for a person', () => {
  it.each([
    'Je voudrais parler à un conseiller',
    "Passez-moi quelqu'un s'il vous plaît",
    'Est-ce que je peux parler à une personne ?',
    'UN HUMAIN !',
    'mettez-moi en relation avec le service client',
    'Je souhaite joindre un opérateur',
  ])('French: "%s" is a request for a person', (utterance) => {
    expect(asksForHuman(fr, utterance)).toBe(true);
  });

  it.each([
    "Quelqu'un m'a dit que vous livrez le dimanche",
    'Quels sont vos horaires ?',
    'Je cherche une personnalisation de ma commande',
    'Le conseil municipal a fermé la rue',
  ])('French: "%s" is not', (utterance) => {
    expect(asksForHuman(fr, utterance)).toBe(false);
  });

  it('English: strong words alone, a noun only with a request verb', () => {
    expect(asksForHuman(en, 'Can I talk to someone please')).toBe(true);
    expect(asksForHuman(en, 'Representative.')).toBe(true);
    expect(asksForHuman(en, 'Someone told me you open at nine')).toBe(false);
  });

  it('languages without a table of their own use the English words', () => {
    expect(phrasesFor('it-IT').humanRequest).toBe(en);
    expect(phrasesFor('fr-CA').humanRequest).toBe(fr);
  });
});

describe('reading the classifier answer', () => {
  it.each([
    ['yes', true],
    ['Yes.', true],
    ['OUI', true],
    ['vrai', true],
    ['true', true],
    ['No', false],
    ['non.', false],
    ['faux', false],
    ['false', false],
  ])('"%s" is %s', (answer, expected) => {
    expect(parseYesNo(answer)).toBe(expected);
  });

  it('anything else is unclear (undefined), which means no transfer', () => {
    expect(parseYesNo('Perhaps')).toBeUndefined();
    expect(parseYesNo('')).toBeUndefined();
    expect(parseYesNo('The caller wants yes')).toBeUndefined();
  });
});
