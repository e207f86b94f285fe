/** The OpenAI Realtime engine (GA protocol over WebSocket). */
export { createOpenAIRealtimeEngine, type OpenAIRealtimeEngineOptions } from './engine.ts';
export { DEFAULT_OPENAI_BASE_URL, realtimeHeaders, realtimeUrl } from './url.ts';
export { DEFAULT_TRANSCRIPTION_MODEL, parseSessionOptions, type RealtimeSessionOptions, type TurnDetectionOptions } from './session-options.ts';
export type { ReconnectPolicy } from './reconnect-policy.ts';
export type { WebSocketConstructor } from './connection.ts';
