import { createSpeechAnalyser } from '../../analysis/index.ts';
import type { SpeechAnalyser, SpeechReport } from '../../analysis/types.ts';
import { Resampler } from '../../audio/resampler.ts';
import type { Logger } from '../../core/logger.ts';
import type { Principal } from '../../core/principal.ts';
import { FeedbackThrottle } from '../../coaching/feedback-throttle.ts';
import { ruleCoaching, ruleFeedback } from '../../coaching/rules.ts';
import { emptySnapshot, mergeSnapshots } from '../../coaching/snapshot-merge.ts';
import { snapshotBetween, snapshotOfReport } from '../../coaching/snapshot-of-report.ts';
import type { FeedbackItem, Scores, SpeechSnapshot } from '../../coaching/types.ts';
import type { Database } from '../../store/database.ts';
import { insertAuraFeedback } from '../../store/queries/aura-feedback.ts';
import type { AuraFeedbackRow } from '../../store/schema/aura-feedback.ts';
import type { AuraMilestoneRow } from '../../store/schema/aura-milestones.ts';
import type { AuraSessionConfig, AuraSessionRow } from '../../store/schema/aura-sessions.ts';
import type { Clock } from '../../core/clock.ts';
import type { AuraCoaching } from './aura-coaching.ts';
import type { AuraSessions } from './aura-sessions.ts';
import { ANALYSIS_RATE_HZ } from './audio-upload.ts';
import { recordStretch } from './measurements.ts';

/** Live coaching sends a full coaching result (model or rules) every this many feedback intervals. */
export const COACHING_EVERY_INTERVALS = 6;

/** What a live session tells its client; the socket turns each into a wire message. */
export type LiveCoachingEvent =
  | { readonly type: 'performance'; readonly atMs: number; readonly window: { readonly snapshot: SpeechSnapshot; readonly scores: Scores }; readonly session: AuraSessionRow; readonly sessionScores: Scores }
  | { readonly type: 'realtime'; readonly atMs: number; readonly items: readonly FeedbackItem[]; readonly scores: Scores }
  | { readonly type: 'coaching'; readonly feedback: AuraFeedbackRow }
  | { readonly type: 'milestone'; readonly milestone: AuraMilestoneRow }
  | { readonly type: 'status'; readonly status: 'started' | 'paused' | 'resumed' | 'ended'; readonly session: AuraSessionRow; readonly report?: AuraFeedbackRow }
  | { readonly type: 'config'; readonly session: AuraSessionRow }
  | { readonly type: 'summary'; readonly session: AuraSessionRow; readonly feedback: AuraFeedbackRow }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly recoverable: boolean };

export interface LiveCoachingDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sessions: AuraSessions;
  readonly coaching: AuraCoaching;
  readonly principal: Principal;
  readonly session: AuraSessionRow;
  readonly emit: (event: LiveCoachingEvent) => void;
}

/**
 * One client's live session over a socket: PCM16 in, feedback out. Audio is analysed as it arrives
 * (synchronously, cheaply); every `feedback_frequency` seconds of audio the stretch since the last
 * tick is stored with the session, `performance_metrics` go out, rule feedback passes the throttle,
 * and every {@link COACHING_EVERY_INTERVALS} ticks a coaching result is written. Storage and model
 * calls run one after another on a queue the connection owns, so ticks stay in order.
 */
export class LiveCoaching {
  readonly #deps: LiveCoachingDeps;
  #session: AuraSessionRow;
  #analyser: SpeechAnalyser | null = null;
  #resampler: Resampler | null = null;
  #inputRateHz: number | null = null;
  /** Milliseconds of audio received on this connection. */
  #audioMs = 0;
  #lastTickMs = 0;
  #lastReport: SpeechReport | null = null;
  #ticks = 0;
  #throttle: FeedbackThrottle;
  /** The session's whole-session measurements before this connection's audio. */
  readonly #baseSnapshot: SpeechSnapshot;
  #queue: Promise<void> = Promise.resolve();
  #pausedNoticeSent = false;
  #ended = false;

  constructor(deps: LiveCoachingDeps) {
    this.#deps = deps;
    this.#session = deps.session;
    this.#baseSnapshot = deps.session.snapshot ?? emptySnapshot;
    this.#throttle = new FeedbackThrottle({ intervalMs: deps.session.config.feedbackFrequencyS * 1000 });
  }

  get session(): AuraSessionRow {
    return this.#session;
  }

  /** One chunk of PCM16 mono at `sampleRateHz`. */
  audio(samples: Int16Array, sampleRateHz: number): void {
    if (this.#ended) return;
    if (this.#deps.clock.nowMs() >= this.#session.expiresAt.getTime()) {
      this.#expire();
      return;
    }
    if (this.#session.status === 'paused') {
      if (!this.#pausedNoticeSent) this.#deps.emit({ type: 'error', code: 'session_paused', message: 'The session is paused: audio is ignored until resume_session', recoverable: true });
      this.#pausedNoticeSent = true;
      return;
    }
    if (this.#inputRateHz !== null && sampleRateHz !== this.#inputRateHz) {
      this.#deps.emit({ type: 'error', code: 'invalid_audio', message: `This connection's audio is ${String(this.#inputRateHz)} Hz; a chunk at ${String(sampleRateHz)} Hz was dropped`, recoverable: true });
      return;
    }
    if (this.#analyser === null) this.#begin(sampleRateHz);
    const pcm = this.#resampler === null ? samples : this.#resampler.process(samples);
    this.#analyser?.push(pcm);
    this.#audioMs += (samples.length * 1000) / sampleRateHz;
    if (this.#audioMs - this.#lastTickMs >= this.#session.config.feedbackFrequencyS * 1000) this.#tick();
  }

  /** start/pause/resume/end, from the client. */
  command(command: 'start_session' | 'pause_session' | 'resume_session' | 'end_session'): void {
    switch (command) {
      case 'start_session':
        this.#enqueue(async () => {
          this.#session = await this.#deps.sessions.markStarted(this.#session);
          this.#deps.emit({ type: 'status', status: 'started', session: this.#session });
        });
        return;
      case 'pause_session':
      case 'resume_session': {
        const status = command === 'pause_session' ? 'paused' : 'active';
        this.#pausedNoticeSent = false;
        this.#enqueue(async () => {
          const { after } = await this.#deps.sessions.update(this.#deps.principal, this.#session.id, { status });
          this.#session = after;
          this.#deps.emit({ type: 'status', status: command === 'pause_session' ? 'paused' : 'resumed', session: after });
        });
        return;
      }
      case 'end_session':
        this.end();
        return;
    }
  }

  configure(changes: Partial<Pick<AuraSessionConfig, 'feedbackFrequencyS' | 'realTimeFeedback' | 'aiCoaching'>>): void {
    this.#enqueue(async () => {
      const { after } = await this.#deps.sessions.update(this.#deps.principal, this.#session.id, { config: changes });
      this.#session = after;
      this.#throttle = new FeedbackThrottle({ intervalMs: after.config.feedbackFrequencyS * 1000 });
      this.#deps.emit({ type: 'config', session: after });
    });
  }

  /** Coaching over the session so far, on request. */
  summary(): void {
    this.#flush();
    this.#enqueue(async () => {
      const session = await this.#deps.sessions.get(this.#deps.principal, this.#session.id);
      const feedback = await this.#deps.coaching.coachSession(session, 'coaching');
      this.#deps.emit({ type: 'summary', session, feedback });
    });
  }

  /** Ends the session: last stretch stored, status completed, report and milestones out. */
  end(): void {
    if (this.#ended) return;
    this.#flush();
    this.#ended = true;
    this.#enqueue(async () => {
      const { before, after } = await this.#deps.sessions.update(this.#deps.principal, this.#session.id, { status: 'completed' });
      this.#session = after;
      if (before.status === 'completed') return;
      const { report, milestones } = await this.#deps.coaching.complete(after);
      for (const milestone of milestones) this.#deps.emit({ type: 'milestone', milestone });
      this.#deps.emit({ type: 'coaching', feedback: report });
      this.#deps.emit({ type: 'status', status: 'ended', session: after, report });
    });
  }

  /** `max_duration` ran out: what was analysed is stored, the session marked expired, the client told. */
  #expire(): void {
    this.#flush();
    this.#ended = true;
    this.#enqueue(async () => {
      // Reading it marks it expired (its time ran out while open).
      const session = await this.#deps.sessions.get(this.#deps.principal, this.#session.id);
      this.#session = session;
      this.#deps.emit({ type: 'error', code: 'session_expired', message: `The session reached its max_duration (${String(session.config.maxDurationS)} s): it takes no more audio`, recoverable: false });
      this.#deps.emit({ type: 'status', status: 'ended', session });
    });
  }

  /** The connection closed: stores what was not stored yet (the session stays open for a reconnect). */
  async close(): Promise<void> {
    if (!this.#ended) this.#flush();
    this.#ended = true;
    await this.#queue;
  }

  /** Resolves when queued work is done (tests). */
  idle(): Promise<void> {
    return this.#queue;
  }

  #begin(sampleRateHz: number): void {
    this.#inputRateHz = sampleRateHz;
    this.#resampler = sampleRateHz === ANALYSIS_RATE_HZ ? null : new Resampler(sampleRateHz, ANALYSIS_RATE_HZ);
    this.#analyser = createSpeechAnalyser({ sampleRateHz: ANALYSIS_RATE_HZ, language: this.#session.language });
    this.#enqueue(async () => {
      this.#session = await this.#deps.sessions.markStarted(this.#session);
    });
  }

  /** A tick for audio since the last one, if any. */
  #flush(): void {
    if (this.#analyser !== null && this.#audioMs > this.#lastTickMs) this.#tick();
  }

  #tick(): void {
    const analyser = this.#analyser;
    if (analyser === null) return;
    const report = analyser.report();
    const stretch = snapshotBetween(this.#lastReport, report, analyser.window());
    const sessionSnapshot = mergeSnapshots(this.#baseSnapshot, snapshotOfReport(report));
    this.#lastReport = report;
    this.#lastTickMs = this.#audioMs;
    this.#ticks += 1;
    const atMs = this.#audioMs;
    const tick = this.#ticks;
    this.#enqueue(() => this.#store(stretch, sessionSnapshot, atMs, tick));
  }

  async #store(stretch: SpeechSnapshot, sessionSnapshot: SpeechSnapshot, atMs: number, tick: number): Promise<void> {
    const { db, clock, coaching, emit } = this.#deps;
    const at = new Date(clock.nowMs());
    const recorded = await recordStretch(db, { session: this.#session, snapshot: stretch, source: 'stream', at, sessionSnapshot });
    this.#session = { ...this.#session, snapshot: recorded.session.snapshot, scores: recorded.session.scores, state: { chunks: recorded.analysis.seq, analysedMs: this.#session.state.analysedMs + stretch.durationMs, speechMs: this.#session.state.speechMs + stretch.speechMs } };
    const scores = recorded.analysis.scores;
    emit({ type: 'performance', atMs, window: { snapshot: stretch, scores }, session: this.#session, sessionScores: recorded.session.scores });
    if (this.#session.config.realTimeFeedback) {
      const items = this.#throttle.take(ruleFeedback(stretch, this.#session.language, scores), atMs);
      if (items.length > 0) {
        await insertAuraFeedback(db, { tenantId: this.#session.tenantId, sessionId: this.#session.id, kind: 'realtime', result: { ...ruleCoaching(stretch, this.#session.language, null), items }, atMs, at });
        emit({ type: 'realtime', atMs, items, scores });
      }
    }
    if (tick % COACHING_EVERY_INTERVALS === 0) emit({ type: 'coaching', feedback: await coaching.coachSession(this.#session, 'coaching') });
    for (const milestone of await coaching.evaluateMilestones(this.#session.tenantId, this.#session.userId)) emit({ type: 'milestone', milestone });
  }

  #enqueue(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(work).catch((error: unknown) => {
      this.#deps.logger.error({ err: error, sessionId: this.#session.id }, 'live coaching step failed');
      this.#deps.emit({ type: 'error', code: 'internal_error', message: 'The server failed to process the session; audio keeps being analysed', recoverable: true });
    });
  }
}
