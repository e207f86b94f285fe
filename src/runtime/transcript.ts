/**
 * Turn bookkeeping for one call. Sequence numbers order the conversation and are taken when a turn
 * starts, not when its text arrives: a caller turn reserves its number at speech start, so it sorts
 * before the reply it triggered even when its transcript lands after that reply. Every finished turn
 * is written to the sink at once (through the serial {@link SinkWriter}), so a crash loses at most the
 * turn in progress. Writing a turn again (e.g. cut at a barge-in after it finished) reuses its `seq`,
 * which the sink treats as a replacement.
 */
import type { CallSink, FinishedTurn } from './ports.ts';
import type { SinkWriter } from './sink-writer.ts';

type Role = FinishedTurn['role'];

interface TurnEntry {
  readonly seq: number;
  readonly role: Role;
  text: string;
  startMs: number;
  endMs: number | null;
  interrupted: boolean;
  /** Finished turns are written; unfinished ones are written only when the call ends. */
  finished: boolean;
  /** A caller turn detected by the runtime itself, waiting for the engine's transcript item. */
  awaitingEngineItem: boolean;
}

export interface TranscriptDeps {
  readonly sink: CallSink;
  readonly writer: SinkWriter;
  /** First sequence number to use; a resumed call passes the next free one. */
  readonly firstSeq?: number;
}

/** The conversation of one call, in `seq` order, written to the sink turn by turn. */
export class Transcript {
  readonly #sink: CallSink;
  readonly #writer: SinkWriter;
  readonly #entries: TurnEntry[] = [];
  /** `role:id` → entry; user items may have two ids (the runtime's and the engine's). */
  readonly #byKey = new Map<string, TurnEntry>();
  #nextSeq: number;

  constructor(deps: TranscriptDeps) {
    this.#sink = deps.sink;
    this.#writer = deps.writer;
    this.#nextSeq = deps.firstSeq ?? 0;
  }

  /**
   * The caller started speaking: reserves the turn's `seq` now. `local` marks a turn detected by the
   * runtime (engines without server VAD); the engine's first unknown transcript item is bound to it.
   */
  userSpeechStarted(itemId: string, startMs: number, options: { readonly local?: boolean } = {}): void {
    if (this.#byKey.has(key('user', itemId))) return;
    const entry = this.#reserve('user', itemId, startMs);
    entry.awaitingEngineItem = options.local === true;
  }

  /** The caller stopped speaking; a turn already written is written again with its end. */
  userSpeechStopped(itemId: string, endMs: number): void {
    const entry = this.#byKey.get(key('user', itemId));
    if (entry === undefined) return;
    entry.endMs = endMs;
    if (entry.finished && entry.text !== '') this.#save(entry);
  }

  /**
   * Caller transcript. A partial replaces the text so far; the final one finishes and writes the turn
   * (an empty final is noise and is not written).
   */
  userTranscript(itemId: string, text: string, final: boolean, atMs: number): void {
    const entry = this.#userEntry(itemId, atMs);
    if (entry.finished) return;
    entry.text = text;
    if (!final) return;
    entry.finished = true;
    if (text.trim() !== '') this.#save(entry);
  }

  /** First audio or text of an assistant item: reserves its `seq`. Idempotent. */
  assistantStarted(itemId: string, startMs: number): void {
    if (!this.#byKey.has(key('assistant', itemId))) this.#reserve('assistant', itemId, startMs);
  }

  assistantDelta(itemId: string, delta: string, atMs: number): void {
    this.assistantStarted(itemId, atMs);
    const entry = this.#byKey.get(key('assistant', itemId));
    if (entry !== undefined && !entry.finished) entry.text += delta;
  }

  /** The assistant item's full text; finishes and writes the turn unless it was already finished. */
  assistantDone(itemId: string, text: string, endMs: number): void {
    this.assistantStarted(itemId, endMs);
    const entry = this.#byKey.get(key('assistant', itemId));
    if (entry === undefined || entry.finished) return;
    Object.assign(entry, { text, endMs, finished: true });
    this.#save(entry);
  }

  /** Barge-in: the item keeps only `heardText`, is marked interrupted and (re)written. */
  assistantInterrupted(itemId: string, heardText: string, endMs: number): void {
    this.assistantStarted(itemId, endMs);
    const entry = this.#byKey.get(key('assistant', itemId));
    if (entry === undefined) return;
    Object.assign(entry, { text: heardText, endMs, interrupted: true, finished: true });
    this.#save(entry);
  }

  /** The assistant item's text so far, or null for an unknown item. */
  assistantText(itemId: string): string | null {
    return this.#byKey.get(key('assistant', itemId))?.text ?? null;
  }

  isInterrupted(itemId: string): boolean {
    return this.#byKey.get(key('assistant', itemId))?.interrupted ?? false;
  }

  /** A tool call starts: reserves its `seq` so it sorts after the turn that asked for it. */
  toolStarted(callId: string, startMs: number): void {
    if (!this.#byKey.has(key('tool', callId))) this.#reserve('tool', callId, startMs);
  }

  toolDone(callId: string, text: string, endMs: number): void {
    this.toolStarted(callId, endMs);
    const entry = this.#byKey.get(key('tool', callId));
    if (entry === undefined || entry.finished) return;
    Object.assign(entry, { text, endMs, finished: true });
    this.#save(entry);
  }

  /**
   * Finishes and writes every unfinished turn that has text: all of them when the call ends (an
   * assistant turn cut off by the end is marked interrupted), or only the assistant's when a response
   * is done (`interrupted` when it did not complete).
   */
  finishOpenTurns(endMs: number, only?: { readonly role: 'assistant'; readonly interrupted: boolean }): void {
    for (const entry of this.#entries) {
      if (entry.finished || (only !== undefined && entry.role !== only.role)) continue;
      entry.finished = true;
      entry.endMs ??= endMs;
      if (entry.role === 'assistant') entry.interrupted = only?.interrupted ?? true;
      if (entry.text.trim() !== '') this.#save(entry);
    }
  }

  /** Finished turns with text, in `seq` order. */
  turns(): FinishedTurn[] {
    return this.#entries.filter((e) => e.finished && e.text.trim() !== '').map(toFinishedTurn);
  }

  #userEntry(itemId: string, atMs: number): TurnEntry {
    const known = this.#byKey.get(key('user', itemId));
    if (known !== undefined) {
      // The engine used the runtime's own id for the turn: nothing left to bind.
      known.awaitingEngineItem = false;
      return known;
    }
    // Only a turn the caller has finished (and the runtime committed) can have a transcript yet.
    const local = this.#entries.find((e) => e.awaitingEngineItem && !e.finished && e.endMs !== null);
    if (local === undefined) return this.#reserve('user', itemId, atMs);
    local.awaitingEngineItem = false;
    this.#byKey.set(key('user', itemId), local);
    return local;
  }

  #reserve(role: Role, id: string, startMs: number): TurnEntry {
    const entry: TurnEntry = {
      seq: this.#nextSeq,
      role,
      text: '',
      startMs,
      endMs: null,
      interrupted: false,
      finished: false,
      awaitingEngineItem: false,
    };
    this.#nextSeq += 1;
    // Entries are appended in seq order, so #entries stays sorted.
    this.#entries.push(entry);
    this.#byKey.set(key(role, id), entry);
    return entry;
  }

  #save(entry: TurnEntry): void {
    const turn = toFinishedTurn(entry);
    void this.#writer.enqueue('saveTurn', () => this.#sink.saveTurn(turn));
  }
}

function key(role: Role, id: string): string {
  return `${role}:${id}`;
}

function toFinishedTurn(entry: TurnEntry): FinishedTurn {
  return {
    seq: entry.seq,
    role: entry.role,
    text: entry.text,
    startMs: Math.max(0, Math.round(entry.startMs)),
    endMs: entry.endMs === null ? null : Math.max(0, Math.round(entry.endMs)),
    interrupted: entry.interrupted,
  };
}
