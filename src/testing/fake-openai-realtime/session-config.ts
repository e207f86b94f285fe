import type {
  AudioTranscription,
  NoiseReductionType,
  RealtimeAudioFormats,
  RealtimeAudioInputTurnDetection,
  RealtimeReasoning,
  RealtimeSessionCreateRequest,
  RealtimeToolChoiceConfig,
  RealtimeToolsConfig,
  RealtimeTracingConfig,
  RealtimeTruncation,
} from 'openai/resources/realtime/realtime';
import type { ResponsePrompt } from 'openai/resources/responses/responses';

/** Server VAD with every default filled in, as the real API echoes it. */
export interface ServerVadConfig {
  readonly type: 'server_vad';
  readonly threshold: number;
  readonly prefix_padding_ms: number;
  readonly silence_duration_ms: number;
  readonly idle_timeout_ms: number | null;
  readonly create_response: boolean;
  readonly interrupt_response: boolean;
}

export interface SemanticVadConfig {
  readonly type: 'semantic_vad';
  readonly eagerness: 'low' | 'medium' | 'high' | 'auto';
  readonly create_response: boolean;
  readonly interrupt_response: boolean;
}

export type TurnDetectionConfig = ServerVadConfig | SemanticVadConfig;

/**
 * The effective session as `session.created` / `session.updated` carry it. It follows the SDK's
 * `RealtimeSessionCreateResponse`, except that switched-off features are `null` (the real API sends
 * `"transcription": null`, `"noise_reduction": null`, `"tracing": null`), which the SDK type omits.
 */
export interface FakeSessionConfig {
  readonly type: 'realtime';
  readonly object: 'realtime.session';
  readonly id: string;
  readonly model: string;
  readonly output_modalities: ReadonlyArray<'text' | 'audio'>;
  readonly instructions: string;
  readonly tools: RealtimeToolsConfig;
  readonly tool_choice: RealtimeToolChoiceConfig;
  readonly max_output_tokens: number | 'inf';
  readonly tracing: RealtimeTracingConfig | null;
  readonly truncation: RealtimeTruncation;
  readonly prompt: ResponsePrompt | null;
  readonly expires_at: number;
  readonly include: Array<'item.input_audio_transcription.logprobs'> | null;
  readonly audio: {
    readonly input: {
      readonly format: RealtimeAudioFormats;
      readonly transcription: AudioTranscription | null;
      readonly noise_reduction: { readonly type?: NoiseReductionType } | null;
      readonly turn_detection: TurnDetectionConfig | null;
    };
    readonly output: {
      readonly format: RealtimeAudioFormats;
      readonly voice: string | { readonly id: string };
      readonly speed: number;
    };
  };
  readonly reasoning?: RealtimeReasoning;
  readonly parallel_tool_calls?: boolean;
}

export const defaultInstructions =
  'Your knowledge cutoff is 2023-10. You are a helpful, witty, and friendly AI. Act like a human, but remember that you aren\'t a human and that you can\'t do human things in the real world.';

export function defaultServerVad(): ServerVadConfig {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 500,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
  };
}

export function defaultSessionConfig(id: string, model: string, expiresAtS: number): FakeSessionConfig {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: defaultInstructions,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: expiresAtS,
    include: null,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24_000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: defaultServerVad(),
      },
      output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin', speed: 1 },
    },
  };
}

/** Fills a requested format's implied rate (`audio/pcm` is always 24 kHz). */
export function normaliseFormat(format: RealtimeAudioFormats): RealtimeAudioFormats {
  return format.type === 'audio/pcmu' || format.type === 'audio/pcma' ? { type: format.type } : { type: 'audio/pcm', rate: 24_000 };
}

function normaliseTurnDetection(requested: RealtimeAudioInputTurnDetection | null): TurnDetectionConfig | null {
  if (requested === null) return null;
  if (requested.type === 'semantic_vad') {
    return {
      type: 'semantic_vad',
      eagerness: requested.eagerness ?? 'auto',
      create_response: requested.create_response ?? true,
      interrupt_response: requested.interrupt_response ?? true,
    };
  }
  const defaults = defaultServerVad();
  return {
    type: 'server_vad',
    threshold: requested.threshold ?? defaults.threshold,
    prefix_padding_ms: requested.prefix_padding_ms ?? defaults.prefix_padding_ms,
    silence_duration_ms: requested.silence_duration_ms ?? defaults.silence_duration_ms,
    idle_timeout_ms: requested.idle_timeout_ms ?? null,
    create_response: requested.create_response ?? true,
    interrupt_response: requested.interrupt_response ?? true,
  };
}

/**
 * Applies a validated `session.update` with the API's partial-update semantics: only fields present
 * change; `null` switches a feature off; `""` clears instructions and `[]` clears tools. A nested
 * object given as a whole (a format, the turn detection, the transcription) replaces the old one.
 */
export function mergeSessionConfig(current: FakeSessionConfig, update: RealtimeSessionCreateRequest): FakeSessionConfig {
  const input = update.audio?.input;
  const output = update.audio?.output;
  const nullable = <T>(value: T | null | undefined, fallback: T | null): T | null => (value === undefined ? fallback : value);
  return {
    ...current,
    ...(update.output_modalities === undefined ? {} : { output_modalities: update.output_modalities }),
    ...(update.instructions === undefined ? {} : { instructions: update.instructions }),
    ...(update.tools === undefined ? {} : { tools: update.tools }),
    ...(update.tool_choice === undefined ? {} : { tool_choice: update.tool_choice }),
    ...(update.max_output_tokens === undefined ? {} : { max_output_tokens: update.max_output_tokens }),
    ...(update.truncation === undefined ? {} : { truncation: update.truncation }),
    ...(update.reasoning === undefined ? {} : { reasoning: update.reasoning }),
    ...(update.parallel_tool_calls === undefined ? {} : { parallel_tool_calls: update.parallel_tool_calls }),
    tracing: nullable(update.tracing, current.tracing),
    prompt: nullable(update.prompt, current.prompt),
    include: nullable(update.include as Array<'item.input_audio_transcription.logprobs'> | null | undefined, current.include),
    audio: {
      input: {
        format: input?.format === undefined ? current.audio.input.format : normaliseFormat(input.format),
        transcription: nullable(input?.transcription, current.audio.input.transcription),
        noise_reduction: nullable(input?.noise_reduction, current.audio.input.noise_reduction),
        turn_detection:
          input?.turn_detection === undefined ? current.audio.input.turn_detection : normaliseTurnDetection(input.turn_detection),
      },
      output: {
        format: output?.format === undefined ? current.audio.output.format : normaliseFormat(output.format),
        voice: output?.voice ?? current.audio.output.voice,
        speed: output?.speed ?? current.audio.output.speed,
      },
    },
  };
}

export function voiceKey(voice: string | { readonly id: string }): string {
  return typeof voice === 'string' ? voice : `id:${voice.id}`;
}
