import { describe, expect, it } from 'vitest';
import { customResponsesSchema, findKeywordResponse, normaliseForMatching } from './keyword-responses.ts';

const r = (keyword: string, response = `about ${keyword}`) => ({ keyword, response });

describe('findKeywordResponse', () => {
  it('matches whole words, ignoring case and accents', () => {
    const responses = [r('hôtel'), r('horaires')];
    expect(findKeywordResponse(responses, "Je cherche l'HOTEL, s'il vous plaît")?.keyword).toBe('hôtel');
    expect(findKeywordResponse(responses, 'Quels sont vos Horaires ?')?.keyword).toBe('horaires');
    expect(findKeywordResponse([r('Éléphant')], 'un elephant rose')?.keyword).toBe('Éléphant');
  });

  it('never matches inside a longer word (the seed matched substrings)', () => {
    expect(findKeywordResponse([r('tard')], 'je suis en retard')).toBeUndefined();
    expect(findKeywordResponse([r('prix')], 'les prixfixes')).toBeUndefined();
    expect(findKeywordResponse([r('rdv')], 'rdv demain')?.keyword).toBe('rdv');
  });

  it('matches keywords of several words, across punctuation and spacing', () => {
    expect(findKeywordResponse([r('prendre rendez-vous')], 'Je voudrais PRENDRE   rendez vous, merci')?.keyword).toBe('prendre rendez-vous');
    expect(findKeywordResponse([r('prendre rendez-vous')], 'prendre un rendez-vous')).toBeUndefined();
  });

  it('prefers the longest matching keyword, then the first listed', () => {
    const responses = [r('horaires'), r('horaires du samedi'), r('samedi')];
    expect(findKeywordResponse(responses, 'les horaires du samedi ?')?.keyword).toBe('horaires du samedi');
    expect(findKeywordResponse([r('ouvert', 'first'), r('Ouvert', 'second')], 'êtes-vous ouvert')?.response).toBe('first');
  });

  it('finds nothing in an empty or unrelated utterance', () => {
    expect(findKeywordResponse([r('prix')], '')).toBeUndefined();
    expect(findKeywordResponse([r('prix')], '...')).toBeUndefined();
    expect(findKeywordResponse<{ keyword: string }>([], 'prix')).toBeUndefined();
  });
});

describe('custom responses schema', () => {
  const id = () => crypto.randomUUID();
  it('refuses the same keyword twice (as matching sees it), blank keywords and too many entries', () => {
    expect(normaliseForMatching('  Hôtel-Dieu! ')).toBe('hotel dieu');
    const twice = customResponsesSchema.safeParse([{ id: id(), keyword: 'Hôtel', response: 'a' }, { id: id(), keyword: 'hotel', response: 'b' }]);
    expect(twice.error?.issues[0]?.path).toEqual([1, 'keyword']);
    expect(customResponsesSchema.safeParse([{ id: id(), keyword: '?!', response: 'a' }]).success).toBe(false);
    const many = Array.from({ length: 101 }, (_, i) => ({ id: id(), keyword: `k${i}`, response: 'a' }));
    expect(customResponsesSchema.safeParse(many).success).toBe(false);
    expect(customResponsesSchema.safeParse(many.slice(0, 100)).success).toBe(true);
  });
});
