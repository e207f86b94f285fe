import type { ConversationItem, RealtimeError } from 'openai/resources/realtime/realtime';
import { textTokens, tokenRates } from './conversation.ts';
import { realtimeErrors } from './errors.ts';
import type { TurnEvent } from './input-audio.ts';
import type { ResponseManager } from './responses.ts';
import { takeUserTranscript } from './script.ts';
import type { SessionCore } from './session-core.ts';

/**
 * The input side of a session: audio appends, VAD turns, commits and input transcription.
 *
 * A VAD turn produces, in order: `input_audio_buffer.speech_started` (with `interrupt_response`, any
 * running response is cancelled right after it), `input_audio_buffer.speech_stopped`,
 * `input_audio_buffer.committed`, `conversation.item.added` and `conversation.item.done` for the
 * user item, the input transcription events (when `audio.input.transcription` is set) and, with
 * `create_response`, the automatic response.
 */

/** Appends decoded audio and acts on the turn boundaries the VAD finds in it; returns its duration. */
export function appendAudio(core: SessionCore, responses: ResponseManager, bytes: Uint8Array): number {
  const { durationMs, events } = core.input.append(bytes, core.config.audio.input.format);
  for (const event of events) onTurnEvent(core, responses, event);
  return durationMs;
}

function onTurnEvent(core: SessionCore, responses: ResponseManager, event: TurnEvent): void {
  const turnDetection = core.config.audio.input.turn_detection;
  if (event.type === 'speech_started') {
    core.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: event.audioStartMs, item_id: event.itemId });
    if (turnDetection?.interrupt_response === true) responses.interrupt('turn_detected');
    return;
  }
  core.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: event.audioEndMs, item_id: event.itemId });
  commitUserTurn(core, responses, event.itemId, event.audioMs, turnDetection?.create_response === true);
}

/** `input_audio_buffer.commit`: never triggers a response by itself (the client sends `response.create`). */
export function commitManually(core: SessionCore, responses: ResponseManager): RealtimeError | null {
  const result = core.input.commit();
  if (!result.ok) return realtimeErrors.commitEmpty(result.bufferedMs);
  commitUserTurn(core, responses, result.itemId, result.audioMs, false);
  return null;
}

export function clearInput(core: SessionCore): void {
  core.input.clear();
  core.send({ type: 'input_audio_buffer.cleared' });
}

function commitUserTurn(core: SessionCore, responses: ResponseManager, itemId: string, audioMs: number, autoRespond: boolean): void {
  const transcript = takeUserTranscript(core.scripts, core.nextUserTurn(), core.options.defaultUserTranscript);
  const previousItemId = core.conversation.lastItemId;
  core.send({ type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: previousItemId });
  // The wire item carries no transcript yet; the stored one does, because the "model" heard the words.
  const wireItem: ConversationItem = {
    id: itemId,
    object: 'realtime.item',
    type: 'message',
    role: 'user',
    status: 'completed',
    content: [{ type: 'input_audio' }],
  };
  core.conversation.insert({ ...wireItem, content: [{ type: 'input_audio', transcript }] }, undefined, audioMs);
  core.send({ type: 'conversation.item.added', item: wireItem, previous_item_id: previousItemId });
  core.send({ type: 'conversation.item.done', item: wireItem, previous_item_id: previousItemId });
  const transcribe = (): void => {
    sendTranscription(core, itemId, transcript, audioMs);
  };
  if (!autoRespond) {
    transcribe();
    return;
  }
  if (core.options.transcriptionOrder === 'before-response') {
    transcribe();
    responses.requestAuto(() => undefined);
    return;
  }
  if (!responses.requestAuto(transcribe)) transcribe();
}

function sendTranscription(core: SessionCore, itemId: string, transcript: string, audioMs: number): void {
  const transcription = core.config.audio.input.transcription;
  if (transcription === null) return;
  // whisper-1 delivers the whole transcript in one delta; the gpt-4o transcribers stream it.
  const words = transcript.split(/\s+/).filter((word) => word !== '');
  const deltas = transcription.model === 'whisper-1' ? [transcript] : words.map((word, index) => (index === 0 ? word : ` ${word}`));
  for (const delta of deltas) {
    core.send({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta });
  }
  const audioTokens = Math.round((audioMs / 1000) * tokenRates.userAudioTokensPerS);
  const outputTokens = textTokens(transcript);
  core.send({
    type: 'conversation.item.input_audio_transcription.completed',
    item_id: itemId,
    content_index: 0,
    transcript,
    usage: {
      type: 'tokens',
      input_tokens: audioTokens,
      output_tokens: outputTokens,
      total_tokens: audioTokens + outputTokens,
      input_token_details: { audio_tokens: audioTokens, text_tokens: 0 },
    },
  });
}
