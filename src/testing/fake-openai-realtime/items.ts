import type {
  ConversationItem,
  ConversationItemCreateEvent,
  ConversationItemTruncateEvent,
  RealtimeError,
} from 'openai/resources/realtime/realtime';
import { bytesToMs, decodeBase64, formatType } from './audio.ts';
import { isAssistantAudio } from './conversation.ts';
import { realtimeErrors } from './errors.ts';
import { fakeId } from './ids.ts';
import type { ResponseManager } from './responses.ts';
import type { SessionCore } from './session-core.ts';

/** `conversation.item.create`: validates like the real API, then `conversation.item.added` and `.done`. */
export function createItem(core: SessionCore, event: ConversationItemCreateEvent): RealtimeError | null {
  const { conversation } = core;
  const requested = event.item;
  // The SDK type omits `null`, which the API (and the schema) accept as "append".
  const previous = event.previous_item_id as string | null | undefined;
  if (previous !== undefined && previous !== null && previous !== 'root' && !conversation.has(previous)) {
    return realtimeErrors.itemNotFound(previous, 'previous_item_id');
  }
  if (requested.id !== undefined && conversation.has(requested.id)) return realtimeErrors.duplicateItemId(requested.id);
  if (requested.type === 'function_call_output' && !conversation.hasFunctionCall(requested.call_id)) {
    return realtimeErrors.unknownCallId(requested.call_id);
  }
  if (requested.type === 'message' && requested.role === 'assistant' && requested.content.some((part) => part.type === 'output_audio')) {
    return realtimeErrors.assistantAudioCreate();
  }
  let audioMs = 0;
  if (requested.type === 'message' && requested.role === 'user') {
    for (const part of requested.content) {
      if (part.type !== 'input_audio' || part.audio === undefined) continue;
      const bytes = decodeBase64(part.audio);
      if (bytes === null) return { ...realtimeErrors.invalidAudio(), param: 'item.content.audio' };
      audioMs += bytesToMs(bytes.length, formatType(core.config.audio.input.format));
    }
  }
  const item = {
    ...requested,
    id: requested.id ?? fakeId('item'),
    object: 'realtime.item',
    status: 'completed',
    ...(requested.type === 'function_call' ? { call_id: requested.call_id ?? fakeId('call') } : {}),
  } as ConversationItem;
  const previousItemId = conversation.insert(item, previous, audioMs);
  core.send({ type: 'conversation.item.added', item, previous_item_id: previousItemId });
  core.send({ type: 'conversation.item.done', item, previous_item_id: previousItemId });
  return null;
}

export function retrieveItem(core: SessionCore, itemId: string): RealtimeError | null {
  const item = core.conversation.get(itemId);
  if (item === undefined) return realtimeErrors.itemNotFound(itemId, 'item_id');
  core.send({ type: 'conversation.item.retrieved', item });
  return null;
}

export function deleteItem(core: SessionCore, responses: ResponseManager, itemId: string): RealtimeError | null {
  if (!core.conversation.delete(itemId)) return realtimeErrors.itemNotFound(itemId, 'item_id');
  responses.bustCache();
  core.send({ type: 'conversation.item.deleted', item_id: itemId });
  return null;
}

export interface TruncateOutcome {
  readonly error: RealtimeError | null;
  /** Audio generated for the item when the truncate arrived, or `null` for an unknown item. */
  readonly generatedAudioMs: number | null;
}

/**
 * `conversation.item.truncate`: the item must be an assistant message with generated audio, the
 * content index 0, and `audio_end_ms` (an integer, checked by the schema) no longer than the audio
 * actually generated for it — the check the real API makes and naive relays trip over.
 */
export function truncateItem(core: SessionCore, responses: ResponseManager, event: ConversationItemTruncateEvent): TruncateOutcome {
  const { conversation } = core;
  const item = conversation.get(event.item_id);
  if (item === undefined) return { error: realtimeErrors.truncateUnknownItem(event.item_id), generatedAudioMs: null };
  const generatedAudioMs = Math.floor(conversation.audioMsOf(event.item_id));
  const assistantAudio = item.type === 'message' && item.role === 'assistant' && (generatedAudioMs > 0 || isAssistantAudio(item));
  if (!assistantAudio) return { error: realtimeErrors.truncateNotAudio(), generatedAudioMs };
  if (event.content_index !== 0) return { error: realtimeErrors.truncateContentIndex(event.content_index), generatedAudioMs };
  if (event.audio_end_ms > generatedAudioMs) {
    return { error: realtimeErrors.truncateTooLong(generatedAudioMs, event.audio_end_ms), generatedAudioMs };
  }
  conversation.truncate(event.item_id, event.audio_end_ms);
  responses.bustCache();
  core.send({ type: 'conversation.item.truncated', item_id: event.item_id, content_index: event.content_index, audio_end_ms: event.audio_end_ms });
  return { error: null, generatedAudioMs };
}
