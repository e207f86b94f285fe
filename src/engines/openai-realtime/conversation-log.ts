import type { ConversationTurn } from '../../runtime/ports.ts';

interface Entry {
  readonly itemId: string;
  readonly role: 'user' | 'assistant';
  /** Text so far (assistant deltas), or the final text; `null` for a user item not yet transcribed. */
  text: string | null;
  final: boolean;
  /** Assistant audio generated for the item, fractional ms. */
  audioMs: number;
  /** Where the caller stopped hearing it (barge-in), or `null` if it played to the end. */
  heardMs: number | null;
}

/**
 * The conversation as the engine has seen it, in order: the turns the call started with, then every
 * user audio item and assistant message of every upstream session. It is the engine's memory across
 * reconnects: each new session is re-seeded from `seedTurns()`, and an item is recorded once however
 * many times the server mentions it, so re-seeding never duplicates a turn.
 */
export class ConversationLog {
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();

  constructor(history: readonly ConversationTurn[]) {
    history.forEach((turn, index) => {
      this.#add(`history_${String(index)}`, turn.role).text = turn.text;
    });
    for (const entry of this.#entries) entry.final = true;
  }

  has(itemId: string): boolean {
    return this.#byId.has(itemId);
  }

  /** A committed user audio item (its transcript comes later). Idempotent. */
  addUser(itemId: string): void {
    this.#add(itemId, 'user');
  }

  /** The final transcript of a user item; `false` if it was already final (a duplicate). */
  finishUser(itemId: string, transcript: string): boolean {
    const entry = this.#add(itemId, 'user');
    if (entry.final) return false;
    entry.text = transcript;
    entry.final = true;
    return true;
  }

  addAssistantAudio(itemId: string, ms: number): void {
    this.#add(itemId, 'assistant').audioMs += ms;
  }

  appendAssistantText(itemId: string, delta: string): void {
    const entry = this.#add(itemId, 'assistant');
    if (!entry.final) entry.text = (entry.text ?? '') + delta;
  }

  /** The full text of an assistant item; `false` if it was already final (a duplicate). */
  finishAssistant(itemId: string, text: string): boolean {
    const entry = this.#add(itemId, 'assistant');
    if (entry.final) return false;
    entry.text = text;
    entry.final = true;
    return true;
  }

  /** Text received so far for an assistant item that never finished, or `null`. */
  unfinishedAssistantText(itemId: string): string | null {
    const entry = this.#byId.get(itemId);
    return entry?.role === 'assistant' && !entry.final ? (entry.text ?? '') : null;
  }

  /** Whole milliseconds of audio generated for an assistant item (0 if unknown). */
  generatedMs(itemId: string): number {
    return Math.floor(this.#byId.get(itemId)?.audioMs ?? 0);
  }

  /** Barge-in: the caller heard `heardMs` of the item; re-seeding keeps only that share of its text. */
  markHeard(itemId: string, heardMs: number): void {
    const entry = this.#byId.get(itemId);
    if (entry?.role === 'assistant') entry.heardMs = Math.max(0, heardMs);
  }

  /** Finished turns in order, assistant text cut to what was heard; empty texts left out. */
  seedTurns(): ConversationTurn[] {
    const turns: ConversationTurn[] = [];
    for (const entry of this.#entries) {
      if (!entry.final || entry.text === null) continue;
      const text = entry.heardMs === null || entry.audioMs <= 0 ? entry.text : cutToShare(entry.text, entry.heardMs / entry.audioMs);
      if (text.trim() !== '') turns.push({ role: entry.role, text: text.trim() });
    }
    return turns;
  }

  #add(itemId: string, role: Entry['role']): Entry {
    const existing = this.#byId.get(itemId);
    if (existing !== undefined) return existing;
    const entry: Entry = { itemId, role, text: null, final: false, audioMs: 0, heardMs: null };
    this.#entries.push(entry);
    this.#byId.set(itemId, entry);
    return entry;
  }
}

/**
 * The first `share` (0–1) of a text, by words, rounded up so a word the caller started hearing counts.
 * Speech is roughly uniform in time, which is all a re-seed needs: the model must not believe it said
 * what the caller never heard.
 */
export function cutToShare(text: string, share: number): string {
  if (share >= 1) return text;
  const words = text.split(/\s+/).filter((word) => word !== '');
  return words.slice(0, Math.ceil(words.length * Math.max(0, share))).join(' ');
}

/** Whether the last turn is the caller's, i.e. a reply was lost (re-seeding should ask for one). */
export function lastTurnIsUser(turns: readonly ConversationTurn[]): boolean {
  return turns.at(-1)?.role === 'user';
}
