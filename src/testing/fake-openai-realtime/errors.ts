import type { RealtimeError } from 'openai/resources/realtime/realtime';

/**
 * The `error.error` objects the fake sends. Messages and codes copy what the real API is known to
 * send (from captures quoted in public issues); where no capture exists the code is a best guess
 * and says so.
 */
export function invalidRequest(code: string | null, message: string, param: string | null = null): RealtimeError {
  return { type: 'invalid_request_error', code, message, param, event_id: null };
}

export const realtimeErrors = {
  invalidJson: (detail: string): RealtimeError =>
    // Unverified code: the real API's wording for unparsable frames is not captured anywhere public.
    invalidRequest('invalid_json', `We could not parse the JSON body of your request. (${detail})`),
  sessionExpired: (): RealtimeError => invalidRequest('session_expired', 'Your session hit the maximum duration of 60 minutes.'),
  commitEmpty: (bufferedMs: number): RealtimeError =>
    invalidRequest(
      'input_audio_buffer_commit_empty',
      `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${bufferedMs.toFixed(2)}ms of audio.`,
    ),
  cancelNotActive: (): RealtimeError => invalidRequest('response_cancel_not_active', 'Cancellation failed: no active response found'),
  activeResponse: (responseId: string): RealtimeError =>
    invalidRequest(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${responseId}. Wait until the response is finished before creating a new one.`,
    ),
  truncateUnknownItem: (itemId: string): RealtimeError =>
    invalidRequest(
      'item_truncate_invalid_item_id',
      `Error truncating item: the item with id '${itemId}' does not exist.`,
      'item_id',
    ),
  truncateNotAudio: (): RealtimeError =>
    invalidRequest('unsupported_content_type', 'Only model output audio messages can be truncated'),
  truncateTooLong: (generatedMs: number, audioEndMs: number): RealtimeError =>
    invalidRequest('invalid_value', `Audio content of ${generatedMs}ms is already shorter than ${audioEndMs}ms`, 'audio_end_ms'),
  truncateContentIndex: (contentIndex: number): RealtimeError =>
    invalidRequest('invalid_value', `Invalid content_index: ${contentIndex}. The item has no content part at that index.`, 'content_index'),
  itemNotFound: (itemId: string, param: string): RealtimeError =>
    invalidRequest('item_not_found', `Item with item_id not found: ${itemId}`, param),
  duplicateItemId: (itemId: string): RealtimeError =>
    invalidRequest('invalid_value', `Item with id '${itemId}' already exists.`, 'item.id'),
  unknownCallId: (callId: string): RealtimeError =>
    // Unverified wording: modelled on the Responses API's message for the same mistake.
    invalidRequest('invalid_value', `No tool call found for function call output with call_id ${callId}.`, 'item.call_id'),
  assistantAudioCreate: (): RealtimeError =>
    invalidRequest('invalid_value', 'Assistant messages with audio content cannot be created; use output_text.', 'item.content'),
  cannotUpdateVoice: (): RealtimeError =>
    invalidRequest('cannot_update_voice', "Cannot update a conversation's voice if assistant audio is present.", 'session.audio.output.voice'),
  invalidAudio: (): RealtimeError =>
    invalidRequest('invalid_value', "Invalid 'audio': expected base64-encoded audio bytes.", 'audio'),
  webRtcOnly: (type: string): RealtimeError =>
    invalidRequest('invalid_value', `The event '${type}' is only supported for WebRTC and SIP connections.`, 'type'),
  notTranscriptionSession: (): RealtimeError =>
    invalidRequest('invalid_value', "This is a 'realtime' session; it cannot be changed to a 'transcription' session.", 'session.type'),
} as const;
