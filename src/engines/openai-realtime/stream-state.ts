import type { AudioFormat } from '../../audio/format.ts';
import { UtteranceReplay } from './utterance-replay.ts';

/** What the current upstream session's stream has produced so far (reset on every reconnect). */
export class StreamState {
  /** The caller's utterance in progress, replayed to the next session if this one is lost. */
  readonly utterance: UtteranceReplay;
  /** Assistant items that exist in the current upstream session (they can be truncated there). */
  readonly assistantItems = new Set<string>();
  /** The response that produced each assistant item. */
  readonly responseOfItem = new Map<string, string>();
  /** Caller transcripts in progress, by item. */
  readonly partialUserText = new Map<string, string>();
  /** Where each assistant item was truncated, so a repeated interrupt sends nothing new. */
  readonly truncatedAtMs = new Map<string, number>();

  constructor(inputFormat: AudioFormat) {
    this.utterance = new UtteranceReplay(inputFormat);
  }

  reset(): void {
    this.utterance.take();
    this.assistantItems.clear();
    this.responseOfItem.clear();
    this.partialUserText.clear();
    this.truncatedAtMs.clear();
  }
}
