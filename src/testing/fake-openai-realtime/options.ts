import { systemClock, type Clock } from '../../core/clock.ts';
import type { VadTuning } from './input-audio.ts';
import type { Pacing } from './response-runner.ts';
import { defaultReply, defaultUserTranscript } from './script.ts';
import { FAKE_OPENAI_API_KEY, type FakeRealtimeOptions, type ObservedEvent, type ReplyFunction } from './types.ts';

export interface ResolvedOptions {
  readonly acceptsKey: (key: string) => boolean;
  readonly maxSessionDurationMs: number;
  readonly pacing: Pacing;
  readonly vad: VadTuning;
  readonly defaultReply: ReplyFunction;
  readonly defaultUserTranscript: (turnIndex: number) => string;
  readonly transcriptionOrder: 'before-response' | 'after-response-created';
  readonly sendConversationCreated: boolean;
  readonly connectDelayMs: number;
  readonly recordAudioPayloads: boolean;
  readonly recordAudioEvents: boolean;
  readonly onEvent: ((event: ObservedEvent) => void) | null;
  readonly clock: Clock;
  readonly port: number;
}

export const realMaxSessionDurationMs = 60 * 60 * 1000;

export function resolveOptions(options: FakeRealtimeOptions): ResolvedOptions {
  const apiKey = options.apiKey ?? FAKE_OPENAI_API_KEY;
  return {
    acceptsKey: typeof apiKey === 'function' ? apiKey : (key) => key === apiKey,
    maxSessionDurationMs: options.maxSessionDurationMs ?? realMaxSessionDurationMs,
    pacing: {
      speedFactor: options.pacing?.speedFactor ?? 10,
      firstDeltaDelayMs: options.pacing?.firstDeltaDelayMs ?? 0,
      chunkMs: options.pacing?.chunkMs ?? 100,
    },
    vad: { energyThreshold: options.vad?.energyThreshold ?? 0.02, minSpeechMs: options.vad?.minSpeechMs ?? 30 },
    defaultReply: options.defaultReply ?? defaultReply,
    defaultUserTranscript: options.defaultUserTranscript ?? defaultUserTranscript,
    transcriptionOrder: options.transcriptionOrder ?? 'before-response',
    sendConversationCreated: options.sendConversationCreated ?? false,
    connectDelayMs: options.connectDelayMs ?? 0,
    recordAudioPayloads: options.recordAudioPayloads ?? true,
    recordAudioEvents: options.recordAudioEvents ?? true,
    onEvent: options.onEvent ?? null,
    clock: options.clock ?? systemClock,
    port: options.port ?? 0,
  };
}
