import { describe, expect, it } from 'vitest';
import { syntheticVoice } from '../testing/analysis-fixtures.ts';
import { createSpeechAnalyser } from './speech-analyser.ts';
import { detectFillers } from './fillers.ts';
import { tokenizeTranscript } from './transcript-tokens.ts';

describe('transcript metrics', () => {
  it('takes words per minute from word timing, without counting pauses between words', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000 });
    // 10 words of 300 ms back to back (3 s), a 2 s pause, 10 more (3 s): 20 words in 6 s of speech.
    const words = Array.from({ length: 20 }, (_, i) => {
      const startMs = i * 300 + (i >= 10 ? 2000 : 0);
      return { text: i === 3 ? 'um' : 'word', startMs, endMs: startMs + 300 };
    });
    analyser.addWords(words.slice(0, 10));
    analyser.addWords(words.slice(10));
    const { rate, fillers } = analyser.report();
    expect(rate.wordsPerMinuteSource).toBe('transcript-timing');
    expect(rate.wordsPerMinute).toBeCloseTo(200, 6);
    expect(rate.wordCount).toBe(20);
    expect(fillers.count).toBe(1);
    expect(fillers.byWord).toEqual({ um: 1 });
  });

  it('falls back to the words over the analysed speaking time when words have no timing', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000, language: 'fr' });
    analyser.push(syntheticVoice({ sampleRateHz: 16000, f0StartHz: 120, bursts: 5, burstMs: 600, gapMs: 400 }).samples);
    analyser.addWords('Euh, du coup, on a fini le projet en fait, voilà.');
    const report = analyser.report();
    expect(report.rate.wordsPerMinuteSource).toBe('transcript-count');
    expect(report.fillers.byWord).toEqual({ euh: 1, 'du coup': 1, 'en fait': 1, voilà: 1 });
    expect(report.fillers.ratio).toBeCloseTo(4 / 11, 6);
    expect(report.fillers.perMinute).toBeCloseTo(4 / (report.voiceActivity.speakingMs / 60_000), 6);
  });

  it('tokenises punctuation into breaks and keeps apostrophes inside words', () => {
    const tokens = tokenizeTranscript("Well, I don't know… you know? C’est l'été.");
    expect(tokens.map((t) => t.text)).toEqual(['well', 'i', "don't", 'know', 'you', 'know', "c'est", "l'été"]);
    expect(tokens[0]?.breakAfter).toBe(true);
    expect(tokens[3]?.breakAfter).toBe(true);
    expect(tokens[4]?.breakBefore).toBe(true);
    expect(tokens[5]?.question).toBe(true);
    expect(tokens[6]?.sentenceStart).toBe(true);
  });

  it('finds multiword fillers once, not their parts', () => {
    expect(detectFillers('It was, you know, kind of, um, like, hard.', 'en').fillers.map((f) => f.filler)).toEqual(['you know', 'kind of', 'um', 'like']);
  });
});
