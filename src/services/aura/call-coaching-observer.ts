/**
 * Speech coaching on live calls: when a call's agent enables `coaching`, an audio observer runs the
 * speech analyser over the caller's side (any transport, any engine: the chunk is decoded to PCM16
 * at its own rate, no resampling) and, when the call ends, stores the analyser's report, the
 * measurements and rule-based coaching with the call (`call_coaching_reports`). Rules only: a model
 * call per phone call would cost more than the analysis; ask AURA's feedback/generate for that.
 *
 * The report's `conversation` (talk ratio, interruptions, overlap of each side) needs no analyser on
 * the agent's side: {@link CallTalkTracker} places the agent's audio by its durations and the caller's
 * speech from the analyser's segments on the call clock.
 */
import { createSpeechAnalyser } from '../../analysis/index.ts';
import { CallTalkTracker } from './call-talk-tracker.ts';
import type { SpeechAnalyser } from '../../analysis/types.ts';
import { createAudioConverter, type AudioConverter } from '../../audio/converter.ts';
import { durationMs, pcm16BytesToSamples, type AudioChunk, type AudioFormat } from '../../audio/format.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { coachingSettingsOf } from '../../coaching/agent-coaching-settings.ts';
import { ruleCoaching } from '../../coaching/rules.ts';
import { snapshotOfReport } from '../../coaching/snapshot-of-report.ts';
import type { CoachingLanguage } from '../../coaching/types.ts';
import type { CallAudioObserver } from '../../runtime/ports.ts';
import type { Database } from '../../store/database.ts';
import { upsertCallCoachingReport } from '../../store/queries/call-coaching-reports.ts';
import { listTranscript } from '../../store/queries/transcript-items.ts';
import type { CallRow } from '../../store/schema/calls.ts';

export interface CallCoachingDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A `CallAudioObserverFactory` for `LiveCallRegistry`: `[]` unless the call's agent enables coaching. */
export function callCoachingObserverFactory(deps: CallCoachingDeps) {
  return (call: CallRow, formats: { readonly caller: AudioFormat }): readonly CallAudioObserver[] => {
    const settings = coachingSettingsOf(call.agentSnapshot.coaching, call.agentSnapshot.language);
    if (!settings.enabled) return [];
    return [new CallCoachingObserver(deps, call, formats.caller, settings.language)];
  };
}

/** Analyses one call's caller audio; stores the report at `close`. */
export class CallCoachingObserver implements CallAudioObserver {
  readonly #deps: CallCoachingDeps;
  readonly #call: CallRow;
  readonly #language: CoachingLanguage;
  readonly #logger: Logger;
  #converter: AudioConverter | null = null;
  #analyser: SpeechAnalyser | null = null;
  #talk: CallTalkTracker | null = null;
  #closed = false;

  constructor(deps: CallCoachingDeps, call: CallRow, callerFormat: AudioFormat, language: CoachingLanguage) {
    this.#deps = deps;
    this.#call = call;
    this.#language = language;
    this.#logger = deps.logger.child({ component: 'call-coaching', callId: call.id, tenantId: call.tenantId });
    this.#prepare(callerFormat);
  }

  onCallerAudio(chunk: AudioChunk, atMs: number): void {
    if (this.#closed) return;
    if (this.#converter === null || this.#converter.from.encoding !== chunk.format.encoding || this.#converter.from.sampleRateHz !== chunk.format.sampleRateHz) {
      // The transport declared another format than the chunk carries: follow the chunk.
      if (this.#analyser !== null) return;
      this.#prepare(chunk.format);
    }
    const pcm = this.#converter?.convert(chunk.data);
    if (pcm === undefined || pcm.length === 0) return;
    const samples = pcm16BytesToSamples(pcm);
    this.#analyser?.push(samples);
    this.#talk?.callerAudio(samples.length, atMs);
  }

  onAgentAudio(itemId: string, chunk: AudioChunk, atMs: number): void {
    // The caller is coached; the agent's audio is not analysed, only placed in time.
    if (!this.#closed) this.#talk?.agentAudio(itemId, durationMs(chunk.format, chunk.data.length), atMs);
  }

  onAgentAudioCleared(itemId: string, heardMs: number, atMs: number): void {
    if (!this.#closed) this.#talk?.agentCleared(itemId, heardMs, atMs);
  }

  async close(atMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const analyser = this.#analyser;
    if (analyser === null) return;
    const conversation = this.#talk?.finish(atMs) ?? null;
    const { db, clock } = this.#deps;
    const { tenantId, id: callId } = this.#call;
    // The caller's words, for words per minute and filler words (turns stored so far).
    for (const turn of await listTranscript(db, { tenantId, callId })) if (turn.role === 'user' && turn.text.trim() !== '') analyser.addWords(turn.text);
    const report = analyser.report();
    if (report.analysedMs === 0) return;
    const snapshot = snapshotOfReport(report);
    const coaching = ruleCoaching(snapshot, this.#language, null);
    await upsertCallCoachingReport(db, { callId, tenantId, language: this.#language, analysis: { ...report, conversation }, snapshot, coaching, at: new Date(clock.nowMs()) });
    this.#logger.info(
      { analysedMs: report.analysedMs, speakingMs: report.voiceActivity.speakingMs, callerTalkRatio: conversation?.caller.talkRatio, overall: coaching.scores.overall },
      'call coaching report stored',
    );
  }

  #prepare(format: AudioFormat): void {
    const supported = format.sampleRateHz >= 8000 && format.sampleRateHz <= 96_000 && Number.isInteger((format.sampleRateHz * 20) / 1000);
    if (!supported) {
      this.#logger.warn({ sampleRateHz: format.sampleRateHz }, 'caller audio rate cannot be analysed; no coaching report for this call');
      this.#closed = true;
      return;
    }
    this.#converter = createAudioConverter(format, { encoding: 'pcm16', sampleRateHz: format.sampleRateHz });
    this.#analyser = createSpeechAnalyser({ sampleRateHz: format.sampleRateHz, language: this.#language });
    this.#talk = new CallTalkTracker(this.#analyser);
  }
}
