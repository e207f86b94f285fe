import { EXCELLENT_SCORE } from './scores.ts';
import { dimensions, type Dimension, type Scores } from './types.ts';

/** One stored session (or analysis window) as progress sees it, oldest first. */
export interface Outcome {
  readonly id: string;
  readonly atMs: number;
  readonly scores: Scores;
  readonly speechMs: number;
}

export type Metric = Dimension | 'overall';
export const metrics: readonly Metric[] = ['overall', ...dimensions];

export interface Trend {
  /** Score points per session (least squares over the last {@link TREND_SPAN}). */
  readonly slope: number;
  /** How well a line fits, 0–1. */
  readonly r2: number;
  readonly direction: 'improving' | 'declining' | 'stable' | 'insufficient_data';
  readonly points: number;
}

/** Sessions a trend or stability looks back over. */
export const TREND_SPAN = 10;
/** A slope under this many points per session is "stable". */
const FLAT_SLOPE = 0.5;
/** A session counts for score milestones once it holds this much speech. */
export const MIN_SCORED_SPEECH_MS = 30_000;
/** Sessions in the rolling baseline an improvement is measured against. */
export const BASELINE_SPAN = 3;
export const IMPROVEMENT_RATIO = 0.1;
/** Cumulative speaking time (minutes) that earns an endurance milestone. */
export const ENDURANCE_MINUTES = [10, 30, 60, 120, 300] as const;

const valueOf = (o: Outcome, metric: Metric): number | null => (metric === 'overall' ? o.scores.overall : o.scores.dimensions[metric]);

function series(outcomes: readonly Outcome[], metric: Metric): number[] {
  return outcomes.map((o) => valueOf(o, metric)).filter((v): v is number => v !== null);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Least-squares slope and R² of `values` against their index. */
export function trendOf(values: readonly number[]): Trend {
  const ys = values.slice(-TREND_SPAN);
  const n = ys.length;
  if (n < 3) return { slope: 0, r2: 0, direction: 'insufficient_data', points: n };
  const mx = (n - 1) / 2;
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  ys.forEach((y, x) => {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  });
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
  const direction = Math.abs(slope) < FLAT_SLOPE ? 'stable' : slope > 0 ? 'improving' : 'declining';
  return { slope: round(slope, 2), r2: round(r2, 3), direction, points: n };
}

/** `1 / (1 + coefficient of variation)` over the last {@link TREND_SPAN}, outliers beyond 2σ dropped; 0–1, 1 = steady. */
export function stabilityOf(values: readonly number[]): number | null {
  const ys = values.slice(-TREND_SPAN);
  if (ys.length < 2) return null;
  const m = mean(ys);
  const sd = Math.sqrt(mean(ys.map((y) => (y - m) ** 2)));
  const kept = sd === 0 ? ys : ys.filter((y) => Math.abs(y - m) <= 2 * sd);
  const km = mean(kept);
  if (km === 0) return null;
  const ksd = Math.sqrt(mean(kept.map((y) => (y - km) ** 2)));
  return round(1 / (1 + ksd / km), 3);
}

export interface PersonalBest {
  readonly metric: Metric;
  readonly score: number;
  readonly sessionId: string;
  readonly atMs: number;
}

export function personalBests(outcomes: readonly Outcome[]): PersonalBest[] {
  const bests: PersonalBest[] = [];
  for (const metric of metrics) {
    let best: PersonalBest | null = null;
    for (const o of outcomes) {
      const v = valueOf(o, metric);
      if (v !== null && (best === null || v > best.score)) best = { metric, score: v, sessionId: o.id, atMs: o.atMs };
    }
    if (best) bests.push(best);
  }
  return bests;
}

export type MilestoneKind = 'significant_improvement' | 'first_excellent' | 'endurance';

export interface Milestone {
  readonly kind: MilestoneKind;
  /** Unique per user: a milestone is achieved once. */
  readonly key: string;
  readonly sessionId: string;
  readonly atMs: number;
  readonly data: Readonly<Record<string, number>>;
}

/**
 * Every milestone the history earns, in order: an overall score at least 10 % over the mean of the
 * previous {@link BASELINE_SPAN} scored sessions; the first excellent session; cumulative speaking
 * time passing each of {@link ENDURANCE_MINUTES}. Pure: the same stored sessions give the same list,
 * so callers store the keys they have not stored yet.
 */
export function detectMilestones(outcomes: readonly Outcome[]): Milestone[] {
  const found: Milestone[] = [];
  const scored: number[] = [];
  let excellent = false;
  let speechMs = 0;
  for (const o of outcomes) {
    const before = speechMs;
    speechMs += o.speechMs;
    for (const minutes of ENDURANCE_MINUTES) {
      if (before < minutes * 60_000 && speechMs >= minutes * 60_000) found.push({ kind: 'endurance', key: `endurance:${String(minutes)}`, sessionId: o.id, atMs: o.atMs, data: { minutes } });
    }
    const overall = o.scores.overall;
    if (overall === null || o.speechMs < MIN_SCORED_SPEECH_MS) continue;
    if (scored.length >= BASELINE_SPAN) {
      const baseline = mean(scored.slice(-BASELINE_SPAN));
      if (baseline > 0 && (overall - baseline) / baseline >= IMPROVEMENT_RATIO) {
        found.push({ kind: 'significant_improvement', key: `significant_improvement:${o.id}`, sessionId: o.id, atMs: o.atMs, data: { baseline: round(baseline, 1), score: overall, improvement: round((overall - baseline) / baseline, 3) } });
      }
    }
    if (!excellent && overall >= EXCELLENT_SCORE) {
      excellent = true;
      found.push({ kind: 'first_excellent', key: 'first_excellent', sessionId: o.id, atMs: o.atMs, data: { score: overall } });
    }
    scored.push(overall);
  }
  return found;
}

export interface Progress {
  readonly sessions: number;
  readonly totalSpeechMs: number;
  readonly trends: Readonly<Record<Metric, Trend>>;
  readonly stability: number | null;
  /** (mean of the last 3 − mean of the 3 before) / the latter; `null` under 6 scored sessions. */
  readonly improvementRate: number | null;
  readonly personalBests: readonly PersonalBest[];
  readonly milestones: readonly Milestone[];
}

export function progressOf(outcomes: readonly Outcome[]): Progress {
  const overall = series(outcomes, 'overall');
  const last = overall.slice(-3);
  const previous = overall.slice(-6, -3);
  const improvementRate = previous.length === 3 && last.length === 3 && mean(previous) > 0 ? round((mean(last) - mean(previous)) / mean(previous), 3) : null;
  return {
    sessions: outcomes.length,
    totalSpeechMs: outcomes.reduce((a, o) => a + o.speechMs, 0),
    trends: Object.fromEntries(metrics.map((m) => [m, trendOf(series(outcomes, m))])) as Record<Metric, Trend>,
    stability: stabilityOf(overall),
    improvementRate,
    personalBests: personalBests(outcomes),
    milestones: detectMilestones(outcomes),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
