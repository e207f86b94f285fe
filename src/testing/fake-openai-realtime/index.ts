/**
 * A protocol-faithful fake of the OpenAI Realtime GA WebSocket API, for engine tests, end-to-end tests
 * and benchmarks. Never imported by product code.
 */
export { startFakeOpenAIRealtime } from './server.ts';
export { connectTestClient, UpgradeRejectedError, type TestClient, type TestClientOptions } from './test-client.ts';
export { silenceAudio, toneAudio, tonePcm, type ToneOptions } from './audio.ts';
export { defaultReply } from './script.ts';
export type { FakeSessionConfig, SemanticVadConfig, ServerVadConfig, TurnDetectionConfig } from './session-config.ts';
export {
  FAKE_OPENAI_API_KEY,
  type AssistantReply,
  type AudioCounters,
  type FakeRealtimeOptions,
  type FakeRealtimeServer,
  type FakeRealtimeSession,
  type FakeServerEvent,
  type FakeServerEventOf,
  type ObservedEvent,
  type PacingOptions,
  type ReceivedClientEvent,
  type RejectedUpgrade,
  type ReplyContext,
  type ReplyFunction,
  type ReplyOutput,
  type TruncateRecord,
  type TurnScript,
  type VadOptions,
} from './types.ts';
