import { describe, expect, it } from 'vitest';
import { ruleCoaching, ruleFeedback } from './rules.ts';
import { scoreSnapshot } from './scores.ts';
import { emptySnapshot } from './snapshot-merge.ts';
import type { SpeechSnapshot } from './types.ts';

/** Ten seconds of well-delivered speech; each test changes what it is about. */
const good: SpeechSnapshot = {
  ...emptySnapshot,
  durationMs: 60_000,
  speechMs: 48_000,
  levelDbfs: -20,
  snrDb: 35,
  pitchMedianHz: 120,
  pitchVariabilitySt: 3.5,
  monotone: false,
  pauseCount: 8,
  meanPauseMs: 600,
  syllablesPerSecond: 4,
  wordsPerMinute: null,
};

const rules = (s: SpeechSnapshot, language: 'fr' | 'en') => ruleFeedback(s, language).map((i) => i.rule);

describe('rule-based feedback', () => {
  it('judges pace by each language’s expectations: 5 syllables/s is fast in English, ideal in French', () => {
    const fast = { ...good, syllablesPerSecond: 5 };
    expect(rules(fast, 'en')).toEqual(['pace_fast']);
    expect(rules(fast, 'fr')).toEqual(['excellent']);
    expect(ruleFeedback(fast, 'en')[0]?.message).toBe('You are speaking fast (5.0 syllables/s).');
    expect(rules({ ...good, wordsPerMinute: 100 }, 'fr')).toEqual(['pace_slow']);
    expect(ruleFeedback({ ...good, wordsPerMinute: 100 }, 'fr')[0]).toMatchObject({ severity: 'warning', message: 'Votre débit est lent (100 mots/min).' });
  });

  it('flags long pauses, monotone pitch, quiet or clipped audio, noise and fillers, most severe first', () => {
    const poor: SpeechSnapshot = { ...good, longPauseCount: 3, pitchVariabilitySt: 1, monotone: true, levelDbfs: -45, clippedRatio: 0.02, snrDb: 10, wordCount: 120, fillerCount: 8 };
    const items = ruleFeedback(poor, 'en');
    expect(items.map((i) => i.rule)).toEqual(['clipping', 'too_quiet', 'long_pauses', 'monotone', 'fillers', 'noisy']);
    expect(items.map((i) => i.severity)).toEqual(['critical', 'critical', 'warning', 'warning', 'warning', 'warning']);
    expect(items.every((i) => i.suggestions.length > 0)).toBe(true);
  });

  it('says nothing about fillers without a transcript, and nothing at all without enough speech', () => {
    expect(rules({ ...good, fillerCount: null, wordCount: null }, 'en')).toEqual(['excellent']);
    expect(rules({ ...good, speechMs: 1500, syllablesPerSecond: 9 }, 'en')).toEqual([]);
    expect(scoreSnapshot({ ...good, speechMs: 1500 }, 'en').overall).toBeNull();
  });

  it('scores 0–100 per dimension against the expectations, and overall as their weighted mean', () => {
    const scores = scoreSnapshot(good, 'en');
    expect(scores.dimensions).toEqual({ pace: 100, pauses: 100, intonation: 100, volume: 100, clarity: 100, fluency: null });
    expect(scores.overall).toBe(100);
    const worse = scoreSnapshot({ ...good, syllablesPerSecond: 5.5 }, 'en');
    expect(worse.dimensions.pace).toBe(60);
    expect(worse.overall).toBe(Math.round((60 * 0.25 + 100 * 0.6) / 0.85));
  });

  it('writes coaching text in the session’s language when the rules answer', () => {
    const fr = ruleCoaching({ ...good, syllablesPerSecond: 7 }, 'fr', 'model_failed');
    expect(fr).toMatchObject({ source: 'rules', fallbackReason: 'model_failed', language: 'fr', nextFocus: 'pace' });
    expect(fr.summary).toMatch(/^Score global \d+\/100/);
    expect(fr.improvements[0]).toMatchObject({ area: 'pace', tip: 'Ralentissez pour laisser vos idées clés porter.' });
    expect(ruleCoaching(emptySnapshot, 'en', null).summary).toBe('Not enough speech yet to coach: keep going.');
  });
});
