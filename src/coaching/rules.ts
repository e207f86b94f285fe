import { bandPosition, languageExpectations } from './language-expectations.ts';
import { ruleTexts, summaryTexts, type RuleId } from './rule-messages.ts';
import { EXCELLENT_SCORE, MIN_AUDIO_FOR_PAUSE_RATE_MS, MIN_SPEECH_MS, gradeOf, scoreSnapshot } from './scores.ts';
import { dimensions, type CoachingLanguage, type CoachingResult, type Dimension, type FeedbackItem, type FeedbackSeverity, type Improvement, type Scores, type SpeechSnapshot } from './types.ts';

const categoryOf: Readonly<Record<Dimension, FeedbackItem['category']>> = {
  pace: 'delivery',
  pauses: 'delivery',
  intonation: 'delivery',
  volume: 'technique',
  clarity: 'technique',
  fluency: 'delivery',
};

function fmt(value: number, digits = 0): string {
  return value.toFixed(digits);
}

function item(language: CoachingLanguage, rule: RuleId, type: Dimension, severity: FeedbackSeverity, value: string, scores: Scores): FeedbackItem {
  const text = ruleTexts[rule][language];
  return { type, rule, category: categoryOf[type], severity, message: text.message.replace('{value}', value), suggestions: text.suggestions, score: scores.dimensions[type] };
}

function paceItems(s: SpeechSnapshot, language: CoachingLanguage, scores: Scores): FeedbackItem[] {
  const e = languageExpectations[language];
  const byWords = s.wordsPerMinute !== null;
  const value = s.wordsPerMinute ?? s.syllablesPerSecond;
  if (value === null) return [];
  const position = bandPosition(value, byWords ? e.wordsPerMinute : e.syllablesPerSecond);
  const shown = byWords ? `${fmt(value)} ${language === 'fr' ? 'mots/min' : 'words/min'}` : `${fmt(value, 1)} ${language === 'fr' ? 'syllabes/s' : 'syllables/s'}`;
  if (position === 'too_high' || position === 'high') return [item(language, 'pace_fast', 'pace', position === 'too_high' ? 'warning' : 'info', shown, scores)];
  if (position === 'too_low' || position === 'low') return [item(language, 'pace_slow', 'pace', position === 'too_low' ? 'warning' : 'info', shown, scores)];
  return [];
}

function pauseItems(s: SpeechSnapshot, language: CoachingLanguage, scores: Scores): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  if (s.longPauseCount > 0) items.push(item(language, 'long_pauses', 'pauses', s.longPauseCount > 2 ? 'warning' : 'info', String(s.longPauseCount), scores));
  if (s.durationMs >= MIN_AUDIO_FOR_PAUSE_RATE_MS) {
    const perMinute = s.pauseCount / (s.durationMs / 60_000);
    const position = bandPosition(perMinute, languageExpectations[language].pausesPerMinute);
    if (position === 'too_low') items.push(item(language, 'few_pauses', 'pauses', 'info', fmt(perMinute, 1), scores));
    if (position === 'too_high') items.push(item(language, 'many_pauses', 'pauses', 'warning', fmt(perMinute, 1), scores));
  }
  return items;
}

function intonationItems(s: SpeechSnapshot, language: CoachingLanguage, scores: Scores): FeedbackItem[] {
  if (s.pitchVariabilitySt === null) return [];
  const shown = `${fmt(s.pitchVariabilitySt, 1)} ${language === 'fr' ? 'demi-tons' : 'semitones'}`;
  const position = bandPosition(s.pitchVariabilitySt, languageExpectations[language].pitchVariabilitySt);
  if (s.monotone === true || position === 'too_low') return [item(language, 'monotone', 'intonation', 'warning', shown, scores)];
  if (position === 'too_high') return [item(language, 'pitch_erratic', 'intonation', 'info', shown, scores)];
  return [];
}

function volumeItems(s: SpeechSnapshot, language: CoachingLanguage, scores: Scores): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  if (s.clippedRatio > 0.001) items.push(item(language, 'clipping', 'volume', s.clippedRatio > 0.01 ? 'critical' : 'warning', `${fmt(100 * s.clippedRatio, 1)} %`, scores));
  if (s.levelDbfs !== null) {
    const position = bandPosition(s.levelDbfs, languageExpectations[language].levelDbfs);
    const shown = `${fmt(s.levelDbfs)} dBFS`;
    if (position === 'too_low' || position === 'low') items.push(item(language, 'too_quiet', 'volume', position === 'too_low' ? 'critical' : 'warning', shown, scores));
    if (position === 'too_high') items.push(item(language, 'too_loud', 'volume', 'warning', shown, scores));
  }
  return items;
}

function clarityItems(s: SpeechSnapshot, language: CoachingLanguage, scores: Scores): FeedbackItem[] {
  if (s.snrDb === null) return [];
  const position = bandPosition(s.snrDb, languageExpectations[language].snrDb);
  return position === 'too_low' || position === 'low' ? [item(language, 'noisy', 'clarity', position === 'too_low' ? 'warning' : 'info', `${fmt(s.snrDb)} dB`, scores)] : [];
}

function fluencyItems(s: SpeechSnapshot, language: CoachingLanguage, scores: Scores): FeedbackItem[] {
  if (s.fillerCount === null || s.speechMs < MIN_SPEECH_MS) return [];
  const perMinute = s.fillerCount / (s.speechMs / 60_000);
  const position = bandPosition(perMinute, languageExpectations[language].fillersPerMinute);
  if (position === 'high') return [item(language, 'fillers', 'fluency', 'info', fmt(perMinute, 1), scores)];
  if (position === 'too_high') return [item(language, 'fillers', 'fluency', 'warning', fmt(perMinute, 1), scores)];
  return [];
}

const severityRank: Readonly<Record<FeedbackSeverity, number>> = { critical: 0, warning: 1, info: 2 };

/**
 * Rule-based feedback on a snapshot against the language's expectations, most severe first. Silent
 * (no items) when there is too little speech to judge.
 */
export function ruleFeedback(snapshot: SpeechSnapshot, language: CoachingLanguage, scores: Scores = scoreSnapshot(snapshot, language)): FeedbackItem[] {
  if (snapshot.speechMs < MIN_SPEECH_MS) return [];
  const items = [
    ...volumeItems(snapshot, language, scores),
    ...paceItems(snapshot, language, scores),
    ...pauseItems(snapshot, language, scores),
    ...intonationItems(snapshot, language, scores),
    ...fluencyItems(snapshot, language, scores),
    ...clarityItems(snapshot, language, scores),
  ].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
  if (items.length === 0 && scores.overall !== null && scores.overall >= EXCELLENT_SCORE) {
    // Praise goes to the best-scored dimension.
    const best = dimensions.reduce<Dimension>((b, d) => ((scores.dimensions[d] ?? -1) > (scores.dimensions[b] ?? -1) ? d : b), 'pace');
    return [item(language, 'excellent', best, 'info', '', scores)];
  }
  return items;
}

/** Coaching written by the rules alone: the fallback whenever the model is off, fails or answers badly. */
export function ruleCoaching(snapshot: SpeechSnapshot, language: CoachingLanguage, fallbackReason: string | null): CoachingResult {
  const scores = scoreSnapshot(snapshot, language);
  const items = ruleFeedback(snapshot, language, scores);
  const t = summaryTexts[language];
  const scored = dimensions.filter((d) => scores.dimensions[d] !== null);
  const strengths = scored.filter((d) => (scores.dimensions[d] ?? 0) >= 80).map((d) => t.strength(t.dimension[d]));
  const improvements: Improvement[] = items
    .filter((i) => i.rule !== 'excellent')
    .slice(0, 3)
    .map((i) => ({ area: i.type, issue: i.message, tip: i.suggestions[0] ?? '', why: t.why }));
  const weakest = [...scored].sort((a, b) => (scores.dimensions[a] ?? 0) - (scores.dimensions[b] ?? 0))[0] ?? null;
  return {
    source: 'rules',
    fallbackReason,
    language,
    scores,
    summary: scores.overall === null ? t.noSpeech : t.summary(scores.overall, gradeOf(scores.overall, language)),
    strengths,
    improvements,
    encouragement: t.encouragement,
    nextFocus: weakest,
    items,
  };
}
