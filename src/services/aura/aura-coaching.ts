import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Principal } from '../../core/principal.ts';
import { coach, type CoachingModel } from '../../coaching/model-coaching.ts';
import { detectMilestones, progressOf, type Outcome, type Progress } from '../../coaching/progress.ts';
import { ruleFeedback } from '../../coaching/rules.ts';
import { emptySnapshot } from '../../coaching/snapshot-merge.ts';
import { scoreSnapshot } from '../../coaching/scores.ts';
import type { CoachingResult, Dimension, FeedbackItem, Scores, SpeechSnapshot } from '../../coaching/types.ts';
import type { Database } from '../../store/database.ts';
import { listAuraAnalyses } from '../../store/queries/aura-analyses.ts';
import { insertAuraFeedback, listAuraFeedback } from '../../store/queries/aura-feedback.ts';
import { listMilestones, storeNewMilestones } from '../../store/queries/aura-milestones.ts';
import { listMeasuredSessions } from '../../store/queries/aura-sessions.ts';
import type { AuraAnalysisRow } from '../../store/schema/aura-analyses.ts';
import type { AuraFeedbackKind, AuraFeedbackRow } from '../../store/schema/aura-feedback.ts';
import type { AuraMilestoneRow } from '../../store/schema/aura-milestones.ts';
import type { AuraSessionRow } from '../../store/schema/aura-sessions.ts';
import { isOpen, type AuraSessions } from './aura-sessions.ts';
import { analyseAudio, recordStretch, type AudioFeed } from './measurements.ts';

export interface AuraCoachingDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sessions: AuraSessions;
  /** The chat model writing coaching text; `undefined` when none is configured (the rules write it). */
  readonly model: CoachingModel | undefined;
}

export interface ChunkAnalysis {
  readonly session: AuraSessionRow;
  readonly analysis: AuraAnalysisRow;
  readonly sessionScores: Scores;
  readonly items: readonly FeedbackItem[];
}

export interface GenerateOptions {
  readonly focusAreas: readonly Dimension[];
  readonly note: string | null;
}

/** Outcomes of a user's measured sessions, oldest first, for progress and milestones. */
function outcomesOf(rows: readonly AuraSessionRow[]): Outcome[] {
  return rows
    .filter((r) => r.scores !== null)
    .map((r) => ({ id: r.id, atMs: (r.endedAt ?? r.startedAt ?? r.createdAt).getTime(), scores: r.scores ?? { overall: null, dimensions: scoreSnapshot(emptySnapshot, r.language).dimensions }, speechMs: r.state.speechMs }));
}

/** Analysis, feedback, reports, milestones and analytics of AURA sessions. */
export class AuraCoaching {
  readonly #deps: AuraCoachingDeps;

  constructor(deps: AuraCoachingDeps) {
    this.#deps = deps;
  }

  get modelConfigured(): boolean {
    return this.#deps.model !== undefined;
  }

  /** A session that still takes audio (active or paused), started at its first audio. */
  async openSession(principal: Principal, sessionId: string): Promise<AuraSessionRow> {
    const session = await this.#deps.sessions.get(principal, sessionId);
    if (!isOpen(session)) throw new AppError('session_not_active', `This session is ${session.status}: it takes no more audio`);
    return this.#deps.sessions.markStarted(session);
  }

  /** Analyses a chunk or an upload (16 kHz PCM16 from `feed`), stores it with the session, and returns its measurements and rule feedback. */
  async analyse(principal: Principal, sessionId: string, audio: { feed: AudioFeed; source: 'chunk' | 'upload'; transcript?: string | undefined }): Promise<ChunkAnalysis> {
    const session = await this.openSession(principal, sessionId);
    const { snapshot } = await analyseAudio(audio.feed, session.language, audio.transcript);
    const recorded = await recordStretch(this.#deps.db, { session, snapshot, source: audio.source, at: this.#now() });
    return { session, analysis: recorded.analysis, sessionScores: recorded.session.scores, items: ruleFeedback(snapshot, session.language, recorded.analysis.scores) };
  }

  async feedback(principal: Principal, sessionId: string, query: { kind?: AuraFeedbackKind | undefined; limit: number; offset: number }): Promise<{ rows: AuraFeedbackRow[]; total: number }> {
    const session = await this.#deps.sessions.get(principal, sessionId);
    return listAuraFeedback(this.#deps.db, { tenantId: session.tenantId, sessionId: session.id, ...query });
  }

  /**
   * Coaching over everything the session measured so far: the model's words when it is configured
   * (and the session allows AI coaching), the rules' otherwise. Stored as feedback of `kind`.
   */
  async coachSession(session: AuraSessionRow, kind: AuraFeedbackKind, options: GenerateOptions = { focusAreas: [], note: null }): Promise<AuraFeedbackRow> {
    const snapshot: SpeechSnapshot = session.snapshot ?? emptySnapshot;
    const model = session.config.aiCoaching ? this.#deps.model : undefined;
    const { result, failure } = await coach(snapshot, { language: session.language, sessionType: session.sessionType, ...options }, model);
    if (failure) this.#deps.logger.warn({ sessionId: session.id, failure: failure.kind, reason: failure.message }, 'coaching model failed; the rules answered');
    const settled: CoachingResult = session.config.aiCoaching || result.fallbackReason !== 'model_not_configured' ? result : { ...result, fallbackReason: 'ai_coaching_off' };
    return insertAuraFeedback(this.#deps.db, { tenantId: session.tenantId, sessionId: session.id, kind, result: settled, atMs: session.state.analysedMs, at: this.#now() });
  }

  async generate(principal: Principal, sessionId: string, options: GenerateOptions): Promise<AuraFeedbackRow> {
    const session = await this.#deps.sessions.get(principal, sessionId);
    return this.coachSession(session, 'coaching', options);
  }

  /** The end of a session: its report, and the milestones its user's stored sessions now earn. */
  async complete(session: AuraSessionRow): Promise<{ report: AuraFeedbackRow; milestones: AuraMilestoneRow[] }> {
    const report = await this.coachSession(session, 'report');
    const milestones = await this.evaluateMilestones(session.tenantId, session.userId);
    return { report, milestones };
  }

  /** Milestones the user's stored sessions earn that were not stored yet (stored now, so announced once). */
  async evaluateMilestones(tenantId: string, userId: string): Promise<AuraMilestoneRow[]> {
    const outcomes = outcomesOf(await listMeasuredSessions(this.#deps.db, { tenantId, userId }));
    return storeNewMilestones(this.#deps.db, { tenantId, userId, milestones: detectMilestones(outcomes) });
  }

  async progress(tenantId: string, userId: string): Promise<{ progress: Progress; achieved: AuraMilestoneRow[] }> {
    const outcomes = outcomesOf(await listMeasuredSessions(this.#deps.db, { tenantId, userId }));
    return { progress: progressOf(outcomes), achieved: await listMilestones(this.#deps.db, { tenantId, userId }) };
  }

  async analytics(principal: Principal, sessionId: string): Promise<{ session: AuraSessionRow; analyses: AuraAnalysisRow[]; milestones: AuraMilestoneRow[] }> {
    const session = await this.#deps.sessions.get(principal, sessionId);
    const analyses = await listAuraAnalyses(this.#deps.db, { tenantId: session.tenantId, sessionId: session.id });
    const milestones = (await listMilestones(this.#deps.db, { tenantId: session.tenantId, userId: session.userId })).filter((m) => m.sessionId === session.id);
    return { session, analyses, milestones };
  }

  #now(): Date {
    return new Date(this.#deps.clock.nowMs());
  }
}
