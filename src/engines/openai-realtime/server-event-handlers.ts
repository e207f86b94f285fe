import { durationMs, type AudioFormat } from '../../audio/format.ts';
import type { Logger } from '../../core/logger.ts';
import type { EngineEvent, UsageDelta } from '../../runtime/ports.ts';
import type { ConversationLog } from './conversation-log.ts';
import type { ResponseGate } from './response-gate.ts';
import type { KnownServerEvent, ParsedServerEvent } from './server-events.ts';
import type { StreamState } from './stream-state.ts';

type EventOf<T extends ParsedServerEvent['type']> = Extract<ParsedServerEvent, { type: T }>;

/** An engine event before it is stamped with `atMs`. */
export type UnstampedEvent = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'atMs'> : never) : never;

/** What the handlers may read and do; implemented by the session. */
export interface HandlerContext {
  readonly log: ConversationLog;
  readonly gate: ResponseGate;
  readonly stream: StreamState;
  readonly outputFormat: AudioFormat;
  readonly serverInterrupts: boolean;
  readonly logger: Logger;
  emit(event: UnstampedEvent): void;
  /** Sends the next wanted `response.create` if the conversation is free. */
  pumpResponses(): void;
  /** A server `error` event: the session decides (reconnect on expiry, report, or ignore). */
  onServerError(error: EventOf<'error'>['error']): void;
}

/** Maps one parsed server event onto engine events and state: one small handler per event type. */
export function handleServerEvent(ctx: HandlerContext, event: ParsedServerEvent): void {
  switch (event.type) {
    case 'session.created':
    case 'session.updated':
    case 'ignored':
      return;
    case 'unknown':
      ctx.logger.debug({ eventType: event.eventType }, 'unknown Realtime server event');
      return;
    case 'invalid':
      ctx.logger.warn({ eventType: event.eventType, issues: event.issues }, 'malformed Realtime server event ignored');
      return;
    case 'error':
      ctx.onServerError(event.error);
      return;
    default:
      handleConversationEvent(ctx, event);
  }
}

type ConversationEvent = Exclude<KnownServerEvent, { type: 'session.created' | 'session.updated' | 'error' }>;

function handleConversationEvent(ctx: HandlerContext, event: ConversationEvent): void {
  switch (event.type) {
    case 'input_audio_buffer.speech_started':
      ctx.stream.utterance.speechStarted();
      ctx.gate.speechStarted(ctx.serverInterrupts);
      ctx.emit({ type: 'speech_started', itemId: event.item_id });
      return;
    case 'input_audio_buffer.speech_stopped':
      ctx.stream.utterance.speechEnded();
      ctx.emit({ type: 'speech_stopped', itemId: event.item_id });
      return;
    case 'input_audio_buffer.committed':
      ctx.stream.utterance.speechEnded();
      ctx.log.addUser(event.item_id);
      return;
    case 'conversation.item.input_audio_transcription.delta':
      onUserTranscriptDelta(ctx, event);
      return;
    case 'conversation.item.input_audio_transcription.completed':
      onUserTranscriptDone(ctx, event);
      return;
    case 'conversation.item.input_audio_transcription.failed':
      ctx.logger.warn({ itemId: event.item_id, code: event.error.code ?? null }, 'input transcription failed');
      return;
    case 'conversation.item.truncated':
      ctx.logger.debug({ itemId: event.item_id, audioEndMs: event.audio_end_ms }, 'assistant item truncated');
      return;
    default:
      handleResponseEvent(ctx, event);
  }
}

type ResponseEvent = Extract<ConversationEvent, { type: `response.${string}` }>;

function handleResponseEvent(ctx: HandlerContext, event: ResponseEvent): void {
  switch (event.type) {
    case 'response.created':
      ctx.gate.started(event.response.id);
      ctx.emit({ type: 'response_started', responseId: event.response.id });
      return;
    case 'response.output_audio.delta':
      onAssistantAudio(ctx, event);
      return;
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta':
      onAssistantTextDelta(ctx, event.response_id, event.item_id, event.delta);
      return;
    case 'response.output_audio_transcript.done':
      onAssistantTextDone(ctx, event.response_id, event.item_id, event.transcript);
      return;
    case 'response.output_text.done':
      onAssistantTextDone(ctx, event.response_id, event.item_id, event.text);
      return;
    case 'response.function_call_arguments.done':
      onToolCall(ctx, event.call_id, event.name, event.arguments);
      return;
    case 'response.output_item.done':
      onOutputItemDone(ctx, event);
      return;
    case 'response.done':
      onResponseDone(ctx, event);
      return;
    default: {
      const unhandled: never = event;
      ctx.logger.debug({ event: unhandled }, 'unhandled Realtime server event');
    }
  }
}

function onUserTranscriptDelta(ctx: HandlerContext, event: EventOf<'conversation.item.input_audio_transcription.delta'>): void {
  const delta = event.delta ?? '';
  if (delta === '') return;
  const text = (ctx.stream.partialUserText.get(event.item_id) ?? '') + delta;
  ctx.stream.partialUserText.set(event.item_id, text);
  ctx.emit({ type: 'user_transcript', itemId: event.item_id, text, final: false });
}

function onUserTranscriptDone(ctx: HandlerContext, event: EventOf<'conversation.item.input_audio_transcription.completed'>): void {
  ctx.stream.partialUserText.delete(event.item_id);
  if (!ctx.log.finishUser(event.item_id, event.transcript)) return;
  ctx.emit({ type: 'user_transcript', itemId: event.item_id, text: event.transcript, final: true });
}

function onAssistantAudio(ctx: HandlerContext, event: EventOf<'response.output_audio.delta'>): void {
  const bytes = Buffer.from(event.delta, 'base64');
  if (bytes.length === 0) return;
  noteAssistantItem(ctx, event.response_id, event.item_id);
  ctx.log.addAssistantAudio(event.item_id, durationMs(ctx.outputFormat, bytes.length));
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  ctx.emit({ type: 'assistant_audio', itemId: event.item_id, chunk: { format: ctx.outputFormat, data } });
}

function noteAssistantItem(ctx: HandlerContext, responseId: string, itemId: string): void {
  ctx.stream.assistantItems.add(itemId);
  ctx.stream.responseOfItem.set(itemId, responseId);
}

function onAssistantTextDelta(ctx: HandlerContext, responseId: string, itemId: string, delta: string): void {
  noteAssistantItem(ctx, responseId, itemId);
  ctx.log.appendAssistantText(itemId, delta);
  ctx.emit({ type: 'assistant_text_delta', itemId, delta });
}

function onAssistantTextDone(ctx: HandlerContext, responseId: string, itemId: string, text: string): void {
  noteAssistantItem(ctx, responseId, itemId);
  if (!ctx.log.finishAssistant(itemId, text)) return;
  ctx.emit({ type: 'assistant_text_done', itemId, text });
}

function onToolCall(ctx: HandlerContext, callId: string, name: string, args: string): void {
  if (!ctx.gate.toolCalled(callId, name)) return;
  ctx.emit({ type: 'tool_call', callId, name, arguments: args });
}

/** The fallback signal for a finished function call, when no `function_call_arguments.done` came. */
function onOutputItemDone(ctx: HandlerContext, event: EventOf<'response.output_item.done'>): void {
  const { item } = event;
  if (item.type !== 'function_call' || item.call_id === undefined || item.name === undefined) return;
  onToolCall(ctx, item.call_id, item.name, item.arguments ?? '');
}

function onResponseDone(ctx: HandlerContext, event: EventOf<'response.done'>): void {
  const { response } = event;
  ctx.gate.done(response.id);
  ctx.emit({ type: 'response_done', responseId: response.id, status: finalStatus(response.status), usage: toUsage(response.usage) });
  ctx.pumpResponses();
}

function finalStatus(status: EventOf<'response.done'>['response']['status']): 'completed' | 'cancelled' | 'incomplete' | 'failed' {
  return status === 'completed' || status === 'cancelled' || status === 'failed' ? status : 'incomplete';
}

/** The billing record of one response (GA `usage`), as the runtime's token counters. */
export function toUsage(usage: EventOf<'response.done'>['response']['usage']): UsageDelta | null {
  if (usage === undefined) return null;
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    inputAudioTokens: usage.input_token_details?.audio_tokens ?? 0,
    outputAudioTokens: usage.output_token_details?.audio_tokens ?? 0,
  };
}
