/**
 * Who spoke when on a live call, for the coaching report's `conversation` (talk ratio, interruptions
 * and overlap of each side), cheaply: no second analyser runs on the agent's side.
 *
 * - The agent speaks while its audio plays. Audio is handed to the transport faster than real time and
 *   plays from max(time handed over, end of the agent audio before it), the pacing of the runtime's
 *   playback tracker and of the call recording; a barge-in (`agentCleared`) cuts it where the caller
 *   stopped hearing it (`heardMs` into the item), and the end of the call cuts what was still queued.
 *   Agent audio counts as speech as a whole (engines send speech, not silence, as audio).
 * - The caller speaks inside the caller analyser's speech segments (its VAD). Analyser time is the
 *   caller audio pushed; it is put on the call clock by arrival like the recording places caller
 *   audio (the first chunk ends when it arrives; a hole longer than `CALLER_GAP_TOLERANCE_MS` means
 *   the caller stopped sending, and the clock moves on).
 *
 * Both feed a {@link ConversationStream}: each side's speech is final some time after it happened (a
 * segment once a pause closed it, agent audio once played and past the reach of a late barge-in
 * report), and what is final is folded into counters. Memory: a few spans and clock offsets.
 */
import { ConversationStream } from '../../analysis/conversation-stream.ts';
import type { ConversationMetrics, SpeechAnalyser } from '../../analysis/types.ts';

/** A barge-in may cut agent audio this long before it is reported (playback reports lag). */
const AGENT_SETTLE_MS = 2000;
/** A caller hole longer than this is the caller not sending (the recording's tolerance). */
const CALLER_GAP_TOLERANCE_MS = 200;
/** Caller audio stopped this long ago: no caller speech will be placed before now minus this. */
const CALLER_IDLE_MS = 1000;
/** How often (caller audio) the analyser's segments are read. */
const CALLER_POLL_MS = 500;

interface AgentPlay {
  readonly itemId: string;
  startMs: number;
  endMs: number;
  /** Position in the item (ms of its audio) at `startMs`. */
  readonly itemAtMs: number;
}

/** From analyser time `fromMs` on, call clock = analyser time + `offsetMs`. */
interface ClockOffset {
  readonly fromMs: number;
  readonly offsetMs: number;
}

export class CallTalkTracker {
  readonly #analyser: SpeechAnalyser;
  readonly #stream = new ConversationStream();
  readonly #sampleRateHz: number;
  /** A segment is final once the analyser has heard this much past its end (a pause, a click run, a frame). */
  readonly #callerSettleMs: number;

  // Caller.
  #callerSamples = 0;
  #offsets: ClockOffset[] = [];
  #lastCallerAtMs = Number.NEGATIVE_INFINITY;
  /** Analyser time up to which segments were handed to the stream. */
  #callerTakenMs = 0;
  /** Analyser time before which the caller's speech is all handed over (settled, and before the segment in progress). */
  #callerFinalMs = Number.NEGATIVE_INFINITY;
  /** Start (analyser time) of the segment in progress at the last read, or +∞. */
  #callerOpenMs = Number.POSITIVE_INFINITY;
  #nextPollMs = CALLER_POLL_MS;

  // Agent.
  #agentPlays: AgentPlay[] = [];
  #playoutEndMs = Number.NEGATIVE_INFINITY;
  /** Ms of audio sent per recent item (only the latest items are ever cut). */
  readonly #itemSentMs = new Map<string, number>();

  constructor(analyser: SpeechAnalyser) {
    this.#analyser = analyser;
    this.#sampleRateHz = analyser.options.sampleRateHz;
    this.#callerSettleMs = analyser.options.minPauseMs + 100 + analyser.options.frameMs;
  }

  /** Spans held for the conversation metrics (bounded, whatever the call's length). */
  get heldSpans(): number {
    return this.#stream.heldSpans + this.#agentPlays.length;
  }

  /** `samples` caller samples (already pushed into the analyser) arrived at `atMs`. */
  callerAudio(samples: number, atMs: number): void {
    const startMs = this.#callerMs();
    const durationMs = (samples * 1000) / this.#sampleRateHz;
    const expectedStartMs = atMs - durationMs;
    const last = this.#offsets.at(-1);
    if (last === undefined || expectedStartMs > startMs + last.offsetMs + CALLER_GAP_TOLERANCE_MS) {
      this.#offsets.push({ fromMs: startMs, offsetMs: expectedStartMs - startMs });
    }
    this.#callerSamples += samples;
    this.#lastCallerAtMs = atMs;
    if (this.#callerMs() >= this.#nextPollMs) {
      this.#nextPollMs = this.#callerMs() + CALLER_POLL_MS;
      this.#takeCallerSegments(this.#callerMs() - this.#callerSettleMs);
      this.#advance(atMs);
    }
  }

  /** `durationMs` of agent item `itemId` handed to the transport at `atMs`. */
  agentAudio(itemId: string, durationMs: number, atMs: number): void {
    if (!(durationMs > 0)) return;
    const startMs = Math.max(atMs, this.#playoutEndMs);
    const itemAtMs = this.#itemSentMs.get(itemId) ?? 0;
    const last = this.#agentPlays.at(-1);
    if (last !== undefined && last.itemId === itemId && last.endMs === startMs) last.endMs += durationMs;
    else this.#agentPlays.push({ itemId, startMs, endMs: startMs + durationMs, itemAtMs });
    this.#playoutEndMs = startMs + durationMs;
    if (!this.#itemSentMs.has(itemId) && this.#itemSentMs.size >= 8) this.#itemSentMs.delete(this.#itemSentMs.keys().next().value ?? itemId);
    this.#itemSentMs.set(itemId, itemAtMs + durationMs);
    this.#advance(atMs);
  }

  /** Barge-in at `atMs`: of item `itemId` only `heardMs` played, and nothing queued plays on. */
  agentCleared(itemId: string, heardMs: number, atMs: number): void {
    let cutMs = atMs;
    for (const play of this.#agentPlays) {
      if (play.itemId !== itemId) continue;
      // Heard up to inside this stretch (or before it: what was already handed on stays counted).
      if (heardMs < play.itemAtMs + (play.endMs - play.startMs)) {
        cutMs = Math.min(cutMs, play.startMs + Math.max(0, heardMs - play.itemAtMs));
        break;
      }
    }
    this.#cutAgent(cutMs);
    this.#playoutEndMs = Number.NEGATIVE_INFINITY;
  }

  /** The call ended at `atMs`: agent audio still queued was never heard. Returns the final metrics. */
  finish(atMs: number): ConversationMetrics {
    this.#cutAgent(atMs);
    for (const play of this.#agentPlays) this.#stream.add('agent', play.startMs, play.endMs);
    this.#agentPlays = [];
    this.#takeCallerSegments(Number.POSITIVE_INFINITY);
    const metrics = this.#stream.finish();
    const round = (ms: number): number => Math.round(ms);
    return {
      caller: { ...metrics.caller, talkMs: round(metrics.caller.talkMs) },
      agent: { ...metrics.agent, talkMs: round(metrics.agent.talkMs) },
      overlapMs: round(metrics.overlapMs),
      silenceMs: round(metrics.silenceMs),
    };
  }

  /** Analyser time: the caller audio pushed so far. */
  #callerMs(): number {
    return (this.#callerSamples * 1000) / this.#sampleRateHz;
  }

  /** Call clock time of analyser time `ms`. */
  #clockOf(ms: number): number {
    let offset = this.#offsets[0]?.offsetMs ?? 0;
    for (const o of this.#offsets) {
      if (o.fromMs > ms) break;
      offset = o.offsetMs;
    }
    return ms + offset;
  }

  /** Hands the caller's segments ending by analyser time `untilMs` to the stream. */
  #takeCallerSegments(untilMs: number): void {
    this.#callerOpenMs = Number.POSITIVE_INFINITY;
    for (const segment of this.#analyser.segments()) {
      if (segment.startMs < this.#callerTakenMs) continue;
      if (segment.endMs > untilMs) {
        this.#callerOpenMs = segment.startMs;
        break;
      }
      this.#stream.add('caller', this.#clockOf(segment.startMs), this.#clockOf(segment.endMs));
      this.#callerTakenMs = segment.endMs;
    }
    this.#callerFinalMs = Math.min(untilMs, this.#callerOpenMs);
    // Offsets before the segment being built are no longer needed (keep the one in force).
    while (this.#offsets.length > 1 && (this.#offsets[1] as ClockOffset).fromMs <= this.#callerTakenMs) this.#offsets.shift();
  }

  /** Drops agent audio that would have played after `cutMs`. */
  #cutAgent(cutMs: number): void {
    this.#agentPlays = this.#agentPlays.filter((play) => play.startMs < cutMs);
    for (const play of this.#agentPlays) play.endMs = Math.min(play.endMs, cutMs);
  }

  /** Folds into the stream what neither side can change any more at `nowMs`. */
  #advance(nowMs: number): void {
    const agentFinalMs = nowMs - AGENT_SETTLE_MS;
    while (this.#agentPlays.length > 0 && (this.#agentPlays[0] as AgentPlay).startMs < agentFinalMs) {
      const play = this.#agentPlays[0] as AgentPlay;
      const endMs = Math.min(play.endMs, agentFinalMs);
      this.#stream.add('agent', play.startMs, endMs);
      if (endMs < play.endMs) {
        // The rest may still be cut: keep it, as a stretch of its own (its item position moves on).
        this.#agentPlays[0] = { itemId: play.itemId, startMs: endMs, endMs: play.endMs, itemAtMs: play.itemAtMs + (endMs - play.startMs) };
        break;
      }
      this.#agentPlays.shift();
    }
    let callerFinalMs = this.#clockOf(this.#callerFinalMs);
    if (nowMs - this.#lastCallerAtMs > CALLER_IDLE_MS) {
      // The caller stopped sending: new caller audio will be placed by its arrival, after now.
      callerFinalMs = Math.max(callerFinalMs, Math.min(nowMs - CALLER_IDLE_MS, this.#clockOf(this.#callerOpenMs)));
    }
    this.#stream.advance(Math.min(agentFinalMs, callerFinalMs));
  }
}
