import type { ConversationItem } from 'openai/resources/realtime/realtime';

/** An item with the server-side facts the wire item does not carry. */
interface ItemRecord {
  item: ConversationItem;
  /** User input audio length, or assistant audio generated so far (what a truncate is checked against). */
  audioMs: number;
}

export interface InputTokenEstimate {
  readonly textTokens: number;
  readonly audioTokens: number;
}

/**
 * Rough token rates for `usage`: about 4 characters per text token, 10 tokens per second of user
 * audio and 20 per second of assistant audio (public rules of thumb, not billing truth).
 */
export const tokenRates = { charsPerTextToken: 4, userAudioTokensPerS: 10, assistantAudioTokensPerS: 20 } as const;

export function textTokens(text: string): number {
  return Math.ceil(text.length / tokenRates.charsPerTextToken);
}

/** The default conversation of one session, in order. */
export class Conversation {
  readonly id: string;
  #records: ItemRecord[] = [];

  constructor(id: string) {
    this.id = id;
  }

  get items(): readonly ConversationItem[] {
    return this.#records.map((record) => record.item);
  }

  get lastItemId(): string | null {
    return this.#records.at(-1)?.item.id ?? null;
  }

  has(itemId: string): boolean {
    return this.#find(itemId) !== undefined;
  }

  get(itemId: string): ConversationItem | undefined {
    return this.#find(itemId)?.item;
  }

  audioMsOf(itemId: string): number {
    return this.#find(itemId)?.audioMs ?? 0;
  }

  /**
   * Inserts after `previousItemId` (`undefined`: at the end, `'root'`: at the start) and returns the id
   * of the item now preceding it. The caller has checked that `previousItemId` exists.
   */
  insert(item: ConversationItem, previousItemId?: string | null, audioMs = 0): string | null {
    const record: ItemRecord = { item, audioMs };
    if (previousItemId === undefined || previousItemId === null) {
      const previous = this.lastItemId;
      this.#records.push(record);
      return previous;
    }
    if (previousItemId === 'root') {
      this.#records.unshift(record);
      return null;
    }
    const index = this.#records.findIndex((candidate) => candidate.item.id === previousItemId);
    this.#records.splice(index + 1, 0, record);
    return previousItemId;
  }

  replace(item: ConversationItem): void {
    const record = item.id === undefined ? undefined : this.#find(item.id);
    if (record !== undefined) record.item = item;
  }

  delete(itemId: string): boolean {
    const before = this.#records.length;
    this.#records = this.#records.filter((record) => record.item.id !== itemId);
    return this.#records.length !== before;
  }

  setAudioMs(itemId: string, audioMs: number): void {
    const record = this.#find(itemId);
    if (record !== undefined) record.audioMs = audioMs;
  }

  hasFunctionCall(callId: string): boolean {
    return this.#records.some((record) => record.item.type === 'function_call' && record.item.call_id === callId);
  }

  get hasAssistantAudio(): boolean {
    return this.#records.some((record) => isAssistantAudio(record.item) && record.audioMs > 0);
  }

  /**
   * Cuts an assistant audio item at `audioEndMs`. Like the real server it also drops the item's
   * transcript, so the model no longer "remembers" words the caller never heard.
   */
  truncate(itemId: string, audioEndMs: number): void {
    const record = this.#find(itemId);
    if (record === undefined || record.item.type !== 'message' || record.item.role !== 'assistant') return;
    record.audioMs = audioEndMs;
    record.item = {
      ...record.item,
      content: record.item.content.map((part) => (part.type === 'output_audio' ? { type: 'output_audio', transcript: '' } : part)),
    };
  }

  /** Tokens the whole conversation plus instructions and tools would cost as input to a response. */
  estimateInput(instructions: string, toolsJson: string): InputTokenEstimate {
    let text = textTokens(instructions) + textTokens(toolsJson);
    let audio = 0;
    for (const { item, audioMs } of this.#records) {
      text += textTokens(itemText(item));
      const rate = item.type === 'message' && item.role === 'assistant' ? tokenRates.assistantAudioTokensPerS : tokenRates.userAudioTokensPerS;
      audio += Math.round((audioMs / 1000) * rate);
    }
    return { textTokens: text, audioTokens: audio };
  }

  #find(itemId: string): ItemRecord | undefined {
    return this.#records.find((record) => record.item.id === itemId);
  }
}

export function isAssistantAudio(item: ConversationItem): boolean {
  return item.type === 'message' && item.role === 'assistant' && item.content.some((part) => part.type === 'output_audio');
}

/** The text an item contributes: typed text, transcripts, function arguments or outputs. */
export function itemText(item: ConversationItem): string {
  switch (item.type) {
    case 'message':
      return item.content.map((part) => part.text ?? ('transcript' in part ? part.transcript : undefined) ?? '').join(' ');
    case 'function_call':
      return `${item.name} ${item.arguments}`;
    case 'function_call_output':
      return item.output;
    default:
      return '';
  }
}
