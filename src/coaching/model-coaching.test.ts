import { describe, expect, it } from 'vitest';
import { strictSchemaProblems } from '../testing/fake-openai-chat/index.ts';
import { coach, modelCoachingJsonSchema, parseModelCoaching, type CoachingModel } from './model-coaching.ts';
import { emptySnapshot } from './snapshot-merge.ts';
import type { SpeechSnapshot } from './types.ts';

const snapshot: SpeechSnapshot = { ...emptySnapshot, durationMs: 20_000, speechMs: 15_000, levelDbfs: -20, snrDb: 30, pitchVariabilitySt: 3, monotone: false, syllablesPerSecond: 6, pauseCount: 3 };
const context = { language: 'en' as const, sessionType: 'practice', focusAreas: [], note: null };
const answer = { summary: 'Good.', strengths: ['Clear'], improvements: [], encouragement: 'Go on.', next_focus: 'pace' };
const modelAnswering = (result: Awaited<ReturnType<CoachingModel['complete']>>): CoachingModel => ({ complete: () => Promise.resolve(result) });

describe('model coaching', () => {
  it('sends a schema that strict structured outputs accept', () => {
    expect(strictSchemaProblems(modelCoachingJsonSchema)).toEqual([]);
  });

  it('validates the model’s JSON and falls back to the rules otherwise', async () => {
    expect(parseModelCoaching('{"summary": 1}').ok).toBe(false);
    const ok = await coach(snapshot, context, modelAnswering({ ok: true, value: JSON.stringify(answer) }));
    expect(ok.result).toMatchObject({ source: 'model', summary: 'Good.', nextFocus: 'pace' });
    // The model writes words; the measured scores and rule items stay ours.
    expect(ok.result.items.map((i) => i.rule)).toEqual(['pace_fast']);
    const bad = await coach(snapshot, context, modelAnswering({ ok: true, value: '```json\n{}\n```' }));
    expect(bad.result).toMatchObject({ source: 'rules', fallbackReason: 'invalid_model_output' });
    const down = await coach(snapshot, context, modelAnswering({ ok: false, error: { kind: 'failed', message: 'APIError (HTTP 500)' } }));
    expect(down.result).toMatchObject({ source: 'rules', fallbackReason: 'model_failed' });
    expect((await coach(snapshot, context, undefined)).result.fallbackReason).toBe('model_not_configured');
  });
});
