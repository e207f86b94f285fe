import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { parseSessionOptions } from './session-options.ts';
import { buildSessionUpdate } from './session-update.ts';
import { MULAW8K, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

const lookupOrder = {
  name: 'lookup_order',
  description: 'Find an order',
  parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
};

describe('the GA session.update', () => {
  it('has the GA shape with defaults: server VAD, gpt-4o-mini-transcribe, flat tools, no beta fields', () => {
    const config = sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K, tools: [lookupOrder], language: 'de-DE' });
    const update = buildSessionUpdate(config, parseSessionOptions({}));
    expect(update).toEqual({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'You are a helpful phone agent.',
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcmu' },
            turn_detection: { type: 'server_vad' },
            transcription: { model: 'gpt-4o-mini-transcribe', language: 'de' },
          },
          output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
        },
        tools: [{ type: 'function', ...lookupOrder }],
        tool_choice: 'auto',
      },
    });
    const json = JSON.stringify(update);
    for (const beta of ['"modalities"', 'input_audio_format', 'output_audio_format', 'input_audio_transcription', 'temperature', '"function":']) {
      expect(json).not.toContain(beta);
    }
  });

  it('maps semantic VAD, noise reduction, speed and a transcription model from the agent options', () => {
    const options = parseSessionOptions({
      turnDetection: { type: 'semantic_vad', eagerness: 'high', interruptResponse: false },
      transcriptionModel: 'gpt-4o-transcribe',
      noiseReduction: 'far_field',
      speed: 1.2,
      someOtherEngineOption: true,
    });
    const { session } = buildSessionUpdate(sessionConfig(), options);
    expect(session.type === 'realtime' ? session.audio : undefined).toEqual({
      input: {
        format: { type: 'audio/pcm', rate: 24_000 },
        turn_detection: { type: 'semantic_vad', eagerness: 'high', interrupt_response: false },
        transcription: { model: 'gpt-4o-transcribe', language: 'en' },
        noise_reduction: { type: 'far_field' },
      },
      output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin', speed: 1.2 },
    });
  });

  it('maps server VAD tuning to snake_case', () => {
    const options = parseSessionOptions({ turnDetection: { type: 'server_vad', threshold: 0.6, silenceDurationMs: 700, prefixPaddingMs: 200, idleTimeoutMs: 8_000 } });
    const { session } = buildSessionUpdate(sessionConfig(), options);
    expect(session.type === 'realtime' ? session.audio?.input?.turn_detection : undefined).toEqual({
      type: 'server_vad',
      threshold: 0.6,
      silence_duration_ms: 700,
      prefix_padding_ms: 200,
      idle_timeout_ms: 8_000,
    });
  });

  it('rejects bad options with validation_failed naming each field', () => {
    let caught: unknown;
    try {
      parseSessionOptions({ turnDetection: { type: 'server_vad', threshold: 2 }, speed: 3 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'validation_failed' });
    expect((caught as AppError).details?.map((issue) => issue.path)).toEqual(['options.turnDetection.threshold', 'options.speed']);
  });
});
