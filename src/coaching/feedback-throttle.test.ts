import { describe, expect, it } from 'vitest';
import { FeedbackThrottle } from './feedback-throttle.ts';
import type { FeedbackItem } from './types.ts';

const item = (rule: string, severity: FeedbackItem['severity'] = 'info'): FeedbackItem => ({ type: 'pace', rule, category: 'delivery', severity, message: rule, suggestions: [], score: 50 });

describe('feedback throttle', () => {
  it('sends at most one batch per feedback interval of audio, and does not repeat a rule for three intervals unless it got worse', () => {
    const throttle = new FeedbackThrottle({ intervalMs: 5000 });
    expect(throttle.take([item('pace_fast')], 5000).map((i) => i.rule)).toEqual(['pace_fast']);
    expect(throttle.take([item('monotone')], 7000)).toEqual([]);
    expect(throttle.take([item('pace_fast'), item('monotone')], 10_000).map((i) => i.rule)).toEqual(['monotone']);
    expect(throttle.take([item('pace_fast', 'warning')], 15_000).map((i) => i.severity)).toEqual(['warning']);
    expect(throttle.take([item('pace_fast', 'warning')], 20_000)).toEqual([]);
    expect(throttle.take([item('pace_fast', 'warning')], 30_000)).toHaveLength(1);
  });
});
