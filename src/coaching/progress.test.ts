import { describe, expect, it } from 'vitest';
import { detectMilestones, progressOf, stabilityOf, trendOf, type Outcome } from './progress.ts';

const minute = 60_000;
function outcome(i: number, overall: number | null, speechMs = 2 * minute): Outcome {
  return { id: `s${String(i)}`, atMs: i * 86_400_000, speechMs, scores: { overall, dimensions: { pace: overall, pauses: null, intonation: null, volume: null, clarity: null, fluency: null } } };
}
const history = (scores: readonly (number | null)[], speechMs?: number) => scores.map((s, i) => outcome(i, s, speechMs));

describe('milestones from stored sessions', () => {
  it('marks a session at least 10 % over the mean of the three before it (a rolling baseline)', () => {
    const found = detectMilestones(history([60, 62, 58, 66, 67, 74]));
    // 66 vs 60 = +10 %; 67 vs mean(62, 58, 66) = 62 → +8 %; 74 vs mean(58, 66, 67) = 63.7 → +16 %.
    expect(found.filter((m) => m.kind === 'significant_improvement').map((m) => m.sessionId)).toEqual(['s3', 's5']);
    expect(found.find((m) => m.sessionId === 's5')?.data).toMatchObject({ baseline: 63.7, score: 74 });
    expect(detectMilestones(history([60, 60, 60, 65.9])).filter((m) => m.kind === 'significant_improvement')).toEqual([]);
  });

  it('marks the first excellent session once, and cumulative speaking time at 10, 30, 60… minutes', () => {
    const found = detectMilestones(history([70, 86, 90, 40], 8 * minute));
    expect(found.filter((m) => m.kind === 'first_excellent')).toEqual([expect.objectContaining({ key: 'first_excellent', sessionId: 's1' })]);
    expect(found.filter((m) => m.kind === 'endurance').map((m) => [m.key, m.sessionId])).toEqual([
      ['endurance:10', 's1'],
      ['endurance:30', 's3'],
    ]);
  });

  it('ignores scores of sessions with under 30 s of speech (their time still counts)', () => {
    const found = detectMilestones([...history([60, 60, 60]), outcome(3, 95, 20_000)]);
    expect(found.filter((m) => m.kind !== 'endurance')).toEqual([]);
  });
});

describe('progress', () => {
  it('computes trends by least squares, stability as 1/(1+CV), personal bests and the improvement rate', () => {
    expect(trendOf([50, 55, 60, 65])).toEqual({ slope: 5, r2: 1, direction: 'improving', points: 4 });
    expect(trendOf([70, 70.2, 69.9, 70.1]).direction).toBe('stable');
    expect(trendOf([70, 60]).direction).toBe('insufficient_data');
    expect(stabilityOf([80, 80, 80])).toBe(1);
    expect(stabilityOf([40, 80, 40, 80])).toBeCloseTo(1 / (1 + 20 / 60), 3);
    const p = progressOf(history([50, 52, 54, 60, 62, 64]));
    expect(p.improvementRate).toBeCloseTo((62 - 52) / 52, 3);
    expect(p.personalBests.find((b) => b.metric === 'overall')).toMatchObject({ score: 64, sessionId: 's5' });
    expect(p.totalSpeechMs).toBe(12 * minute);
    expect(p.trends.overall.direction).toBe('improving');
  });
});
