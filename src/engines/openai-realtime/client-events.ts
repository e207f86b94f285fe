import type {
  ConversationItemCreateEvent,
  ConversationItemTruncateEvent,
  RealtimeResponseCreateParams,
  ResponseCreateEvent,
} from 'openai/resources/realtime/realtime';
import type { ConversationTurn } from '../../runtime/ports.ts';

/** Client events the engine sends besides `session.update`, built with the `openai` package's GA types. */

const appendPrefix = '{"type":"input_audio_buffer.append","audio":"';

/**
 * An `input_audio_buffer.append` (the SDK's `InputAudioBufferAppendEvent`) as JSON text, built by
 * concatenation: it is sent 50 times a second per call, and base64 needs no JSON escaping, so
 * neither an event object nor `JSON.stringify` is needed.
 */
export function appendAudioJson(data: Uint8Array): string {
  return `${appendPrefix}${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}"}`;
}

/** Cuts an assistant audio item at an integer position the caller has heard (content part 0). */
export function truncateItem(itemId: string, audioEndMs: number): ConversationItemTruncateEvent {
  return { type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: audioEndMs };
}

export function functionCallOutput(callId: string, output: string): ConversationItemCreateEvent {
  return { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } };
}

/** A system message, for facts the model must know that have no item of their own (e.g. a tool result from before a reconnect). */
export function systemNote(text: string): ConversationItemCreateEvent {
  return { type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text }] } };
}

/**
 * One finished turn, re-created as a text item: the caller's as `input_text`, the assistant's as
 * `output_text` (assistant audio cannot be created). Appended at the end of the conversation.
 */
export function seedItem(turn: ConversationTurn): ConversationItemCreateEvent {
  const item: ConversationItemCreateEvent['item'] =
    turn.role === 'user'
      ? { type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.text }] }
      : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: turn.text }] };
  return { type: 'conversation.item.create', item };
}

export function responseCreate(eventId: string, response: RealtimeResponseCreateParams | undefined): ResponseCreateEvent {
  return response === undefined ? { type: 'response.create', event_id: eventId } : { type: 'response.create', event_id: eventId, response };
}
