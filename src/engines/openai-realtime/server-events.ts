import type {
  ConversationItemInputAudioTranscriptionCompletedEvent,
  ConversationItemInputAudioTranscriptionDeltaEvent,
  ConversationItemTruncatedEvent,
  InputAudioBufferCommittedEvent,
  InputAudioBufferSpeechStartedEvent,
  InputAudioBufferSpeechStoppedEvent,
  RealtimeErrorEvent,
  RealtimeServerEvent,
  ResponseAudioDeltaEvent,
  ResponseAudioTranscriptDeltaEvent,
  ResponseAudioTranscriptDoneEvent,
  ResponseCreatedEvent,
  ResponseDoneEvent,
  ResponseFunctionCallArgumentsDoneEvent,
  ResponseTextDeltaEvent,
  ResponseTextDoneEvent,
} from 'openai/resources/realtime/realtime';
import { z } from 'zod';

/**
 * The server events this engine acts on, validated at the boundary. Each schema keeps only the
 * fields the engine reads (others are stripped, never rejected); `conformance` below checks at
 * compile time that every kept field has the `openai` package's type for it.
 */
const id = z.string().min(1);

const usageSchema = z.object({
  input_tokens: z.number().exactOptional(),
  output_tokens: z.number().exactOptional(),
  input_token_details: z.object({ audio_tokens: z.number().exactOptional() }).exactOptional(),
  output_token_details: z.object({ audio_tokens: z.number().exactOptional() }).exactOptional(),
});

const responseStatus = z.enum(['completed', 'cancelled', 'failed', 'incomplete', 'in_progress']);

const schemas = {
  'session.created': z.object({ type: z.literal('session.created') }),
  'session.updated': z.object({ type: z.literal('session.updated') }),
  error: z.object({
    type: z.literal('error'),
    error: z.object({
      type: z.string(),
      message: z.string(),
      code: z.string().nullable().exactOptional(),
      param: z.string().nullable().exactOptional(),
      event_id: z.string().nullable().exactOptional(),
    }),
  }),
  'input_audio_buffer.speech_started': z.object({ type: z.literal('input_audio_buffer.speech_started'), item_id: id, audio_start_ms: z.number() }),
  'input_audio_buffer.speech_stopped': z.object({ type: z.literal('input_audio_buffer.speech_stopped'), item_id: id, audio_end_ms: z.number() }),
  'input_audio_buffer.committed': z.object({ type: z.literal('input_audio_buffer.committed'), item_id: id }),
  'conversation.item.input_audio_transcription.delta': z.object({
    type: z.literal('conversation.item.input_audio_transcription.delta'),
    item_id: id,
    delta: z.string().exactOptional(),
  }),
  'conversation.item.input_audio_transcription.completed': z.object({
    type: z.literal('conversation.item.input_audio_transcription.completed'),
    item_id: id,
    transcript: z.string(),
  }),
  'conversation.item.input_audio_transcription.failed': z.object({
    type: z.literal('conversation.item.input_audio_transcription.failed'),
    item_id: id,
    error: z.object({ code: z.string().nullable().exactOptional(), message: z.string().exactOptional() }),
  }),
  'conversation.item.truncated': z.object({ type: z.literal('conversation.item.truncated'), item_id: id, audio_end_ms: z.number() }),
  'response.created': z.object({ type: z.literal('response.created'), response: z.object({ id }) }),
  'response.output_audio.delta': z.object({ type: z.literal('response.output_audio.delta'), response_id: id, item_id: id, delta: z.string() }),
  'response.output_audio_transcript.delta': z.object({
    type: z.literal('response.output_audio_transcript.delta'),
    response_id: id,
    item_id: id,
    delta: z.string(),
  }),
  'response.output_audio_transcript.done': z.object({
    type: z.literal('response.output_audio_transcript.done'),
    response_id: id,
    item_id: id,
    transcript: z.string(),
  }),
  'response.output_text.delta': z.object({ type: z.literal('response.output_text.delta'), response_id: id, item_id: id, delta: z.string() }),
  'response.output_text.done': z.object({ type: z.literal('response.output_text.done'), response_id: id, item_id: id, text: z.string() }),
  'response.function_call_arguments.done': z.object({
    type: z.literal('response.function_call_arguments.done'),
    call_id: id,
    name: z.string(),
    arguments: z.string(),
  }),
  'response.output_item.done': z.object({
    type: z.literal('response.output_item.done'),
    // Only a completed function call matters here; other item kinds are accepted and ignored.
    item: z.object({ type: z.string(), call_id: z.string().exactOptional(), name: z.string().exactOptional(), arguments: z.string().exactOptional() }),
  }),
  'response.done': z.object({
    type: z.literal('response.done'),
    response: z.object({ id, status: responseStatus.exactOptional(), usage: usageSchema.exactOptional() }),
  }),
} as const;

type Schemas = typeof schemas;
type KnownType = keyof Schemas;
export type KnownServerEvent = { [K in KnownType]: z.infer<Schemas[K]> }[KnownType];

/** Events the engine knows and deliberately ignores (item bookkeeping, content parts, rate limits…). */
const ignoredTypes: ReadonlySet<string> = new Set<RealtimeServerEvent['type']>([
  'conversation.created',
  'conversation.item.added',
  'conversation.item.done',
  'conversation.item.created',
  'conversation.item.deleted',
  'conversation.item.retrieved',
  'conversation.item.input_audio_transcription.segment',
  'input_audio_buffer.cleared',
  'input_audio_buffer.timeout_triggered',
  'rate_limits.updated',
  'response.output_item.added',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_audio.done',
  'response.function_call_arguments.delta',
]);

/** A parsed server frame: a known event, or an explicit variant for everything else. */
export type ParsedServerEvent =
  | KnownServerEvent
  | { readonly type: 'ignored'; readonly eventType: string }
  | { readonly type: 'unknown'; readonly eventType: string }
  | { readonly type: 'invalid'; readonly eventType: string; readonly issues: string };

const envelopeSchema = z.object({ type: z.string() });

type AudioDelta = Extract<KnownServerEvent, { type: 'response.output_audio.delta' }>;

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * The audio hot path (ten deltas a second per call): a structural check with the same outcome as
 * the zod schema for a well-formed delta. A malformed one returns null and goes through the schema,
 * which names the problem.
 */
function audioDelta(raw: unknown): AudioDelta | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { type, response_id: responseId, item_id: itemId, delta } = raw as Record<string, unknown>;
  if (type !== 'response.output_audio.delta' || !nonEmpty(responseId) || !nonEmpty(itemId) || typeof delta !== 'string') return null;
  return { type, response_id: responseId, item_id: itemId, delta };
}

/** Parses one text frame. Never throws: bad JSON and schema mismatches become the `invalid` variant. */
export function parseServerEvent(text: string): ParsedServerEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { type: 'invalid', eventType: '(not JSON)', issues: 'frame is not valid JSON' };
  }
  const audio = audioDelta(raw);
  if (audio !== null) return audio;
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return { type: 'invalid', eventType: '(no type)', issues: 'frame has no string `type`' };
  const eventType = envelope.data.type;
  if (!isKnownType(eventType)) return { type: ignoredTypes.has(eventType) ? 'ignored' : 'unknown', eventType };
  const parsed = schemas[eventType].safeParse(raw);
  if (!parsed.success) {
    return { type: 'invalid', eventType, issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  }
  return parsed.data;
}

function isKnownType(type: string): type is KnownType {
  return Object.hasOwn(schemas, type);
}

/** True when every field a schema keeps has the SDK's type for it (nested objects included). */
type Conforms<Parsed, Sdk> = Parsed extends Pick<Sdk, Extract<keyof Parsed, keyof Sdk>> ? (Exclude<keyof Parsed, keyof Sdk> extends never ? true : false) : false;
type ParsedOf<K extends KnownType> = z.infer<Schemas[K]>;

// Compile-time only: a schema that drifts from the `openai` package's event types fails type-checking here.
const _conformance: readonly true[] = [
  true satisfies Conforms<ParsedOf<'error'>, RealtimeErrorEvent>,
  true satisfies Conforms<ParsedOf<'input_audio_buffer.speech_started'>, InputAudioBufferSpeechStartedEvent>,
  true satisfies Conforms<ParsedOf<'input_audio_buffer.speech_stopped'>, InputAudioBufferSpeechStoppedEvent>,
  true satisfies Conforms<ParsedOf<'input_audio_buffer.committed'>, InputAudioBufferCommittedEvent>,
  true satisfies Conforms<ParsedOf<'conversation.item.input_audio_transcription.delta'>, ConversationItemInputAudioTranscriptionDeltaEvent>,
  true satisfies Conforms<ParsedOf<'conversation.item.input_audio_transcription.completed'>, ConversationItemInputAudioTranscriptionCompletedEvent>,
  true satisfies Conforms<ParsedOf<'conversation.item.truncated'>, ConversationItemTruncatedEvent>,
  true satisfies Conforms<ParsedOf<'response.created'>, ResponseCreatedEvent>,
  true satisfies Conforms<ParsedOf<'response.output_audio.delta'>, ResponseAudioDeltaEvent>,
  true satisfies Conforms<ParsedOf<'response.output_audio_transcript.delta'>, ResponseAudioTranscriptDeltaEvent>,
  true satisfies Conforms<ParsedOf<'response.output_audio_transcript.done'>, ResponseAudioTranscriptDoneEvent>,
  true satisfies Conforms<ParsedOf<'response.output_text.delta'>, ResponseTextDeltaEvent>,
  true satisfies Conforms<ParsedOf<'response.output_text.done'>, ResponseTextDoneEvent>,
  true satisfies Conforms<ParsedOf<'response.function_call_arguments.done'>, ResponseFunctionCallArgumentsDoneEvent>,
  true satisfies Conforms<ParsedOf<'response.done'>, ResponseDoneEvent>,
];
