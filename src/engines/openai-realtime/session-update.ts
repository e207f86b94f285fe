import type {
  AudioTranscription,
  RealtimeAudioConfigInput,
  RealtimeAudioConfigOutput,
  RealtimeAudioInputTurnDetection,
  RealtimeFunctionTool,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { EngineSessionConfig, ToolDefinition } from '../../runtime/ports.ts';
import { toRealtimeFormat } from './formats.ts';
import type { RealtimeSessionOptions, TurnDetectionOptions } from './session-options.ts';

/**
 * The one GA `session.update` sent on every (re)connect: `type: "realtime"`, audio-only output,
 * formats under `audio.input` / `audio.output`, flat function tools. None of the removed beta fields
 * (`modalities`, `input_audio_format`, top-level `voice` or `turn_detection`, `temperature`).
 */
export function buildSessionUpdate(config: EngineSessionConfig, options: RealtimeSessionOptions): SessionUpdateEvent {
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      instructions: config.instructions,
      output_modalities: ['audio'],
      audio: { input: audioInput(config, options), output: audioOutput(config, options) },
      tools: config.tools.map(toRealtimeTool),
      tool_choice: 'auto',
    },
  };
}

function audioInput(config: EngineSessionConfig, options: RealtimeSessionOptions): RealtimeAudioConfigInput {
  return {
    format: toRealtimeFormat(config.inputFormat),
    turn_detection: toTurnDetection(options.turnDetection),
    transcription: transcription(config.language, options),
    ...(options.noiseReduction === null ? {} : { noise_reduction: { type: options.noiseReduction } }),
  };
}

function audioOutput(config: EngineSessionConfig, options: RealtimeSessionOptions): RealtimeAudioConfigOutput {
  return {
    format: toRealtimeFormat(config.outputFormat),
    voice: config.voice,
    ...(options.speed === null ? {} : { speed: options.speed }),
  };
}

function transcription(language: string, options: RealtimeSessionOptions): AudioTranscription {
  const iso639 = /^([a-z]{2,3})(?:[-_]|$)/i.exec(language.trim())?.[1]?.toLowerCase();
  return {
    model: options.transcriptionModel,
    ...(iso639 === undefined ? {} : { language: iso639 }),
    ...(options.transcriptionPrompt === null ? {} : { prompt: options.transcriptionPrompt }),
  };
}

/** Maps the agent's camelCase turn detection onto the API's, sending only what the agent set. */
export function toTurnDetection(options: TurnDetectionOptions): RealtimeAudioInputTurnDetection {
  const common = {
    ...(options.createResponse === undefined ? {} : { create_response: options.createResponse }),
    ...(options.interruptResponse === undefined ? {} : { interrupt_response: options.interruptResponse }),
  };
  if (options.type === 'semantic_vad') {
    return { type: 'semantic_vad', ...common, ...(options.eagerness === undefined ? {} : { eagerness: options.eagerness }) };
  }
  return {
    type: 'server_vad',
    ...common,
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    ...(options.prefixPaddingMs === undefined ? {} : { prefix_padding_ms: options.prefixPaddingMs }),
    ...(options.silenceDurationMs === undefined ? {} : { silence_duration_ms: options.silenceDurationMs }),
    ...(options.idleTimeoutMs === undefined ? {} : { idle_timeout_ms: options.idleTimeoutMs }),
  };
}

/** The flat GA tool shape: `{ type, name, description, parameters }`, no nested `function` wrapper. */
function toRealtimeTool(tool: ToolDefinition): RealtimeFunctionTool {
  return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters };
}
