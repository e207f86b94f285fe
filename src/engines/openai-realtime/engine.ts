import { WebSocket } from 'ws';
import { AppError } from '../../core/errors.ts';
import type { Engine, EngineCapabilities, EngineSession, EngineSessionConfig } from '../../runtime/ports.ts';
import type { WebSocketConstructor } from './connection.ts';
import { isRealtimeFormat, realtimeFormatFor } from './formats.ts';
import type { ReconnectPolicy } from './reconnect-policy.ts';
import { RealtimeSession } from './realtime-session.ts';
import { parseSessionOptions } from './session-options.ts';
import { realtimeUrl } from './url.ts';

export interface OpenAIRealtimeEngineOptions {
  readonly apiKey: string;
  /** OpenAI-compatible base URL, normally ending in `/v1` (from `OPENAI_BASE_URL`; see `DEFAULT_OPENAI_BASE_URL`). */
  readonly baseUrl: string;
  /** Realtime model, e.g. `gpt-realtime-2`. */
  readonly model: string;
  /** Limit for opening a socket and for the server to confirm the session. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Ping period that detects a silently dead socket (then reconnects); 0 disables. Default 5 s. */
  readonly heartbeatMs?: number;
  /** Reconnection after `session_expired` or a dropped socket. Default 5 attempts, 250 ms backoff. */
  readonly reconnect?: ReconnectPolicy;
  /** The WebSocket client class; default `ws`. */
  readonly WebSocketImpl?: WebSocketConstructor;
}

const defaultConnectTimeoutMs = 10_000;
const defaultHeartbeatMs = 5_000;
const defaultReconnect: ReconnectPolicy = { maxAttempts: 5, backoffMs: 250 };

const capabilities: EngineCapabilities = { serverVad: true, truncation: true, inputTranscription: true, midCallInstructions: true };

/**
 * The OpenAI Realtime speech-to-speech engine (GA protocol over WebSocket). Construction does no I/O
 * but fails fast on a missing key or an unusable URL; each `open()` connects one call's session.
 */
export function createOpenAIRealtimeEngine(options: OpenAIRealtimeEngineOptions): Engine {
  if (options.apiKey.trim() === '') throw new AppError('engine_not_configured', 'The OpenAI API key is empty (set OPENAI_API_KEY)');
  const url = realtimeUrl(options.baseUrl, options.model);
  const reconnect = validReconnect(options.reconnect ?? defaultReconnect);
  const connectTimeoutMs = options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
  const WebSocketImpl = options.WebSocketImpl ?? WebSocket;
  return {
    name: 'openai-realtime',
    capabilities,
    negotiateFormats: (caller) => ({ input: realtimeFormatFor(caller.input), output: realtimeFormatFor(caller.output) }),
    async open(config: EngineSessionConfig, signal: AbortSignal): Promise<EngineSession> {
      if (!isRealtimeFormat(config.inputFormat) || !isRealtimeFormat(config.outputFormat)) {
        throw new AppError('engine_not_configured', 'The session formats were not negotiated with this engine (μ-law/A-law 8 kHz or PCM16 24 kHz only)');
      }
      const sessionOptions = parseSessionOptions(config.options);
      const session = new RealtimeSession({ url, apiKey: options.apiKey, connectTimeoutMs, heartbeatMs, reconnect, WebSocketImpl, config, options: sessionOptions });
      await session.start(signal);
      return session;
    },
  };
}

function validReconnect(policy: ReconnectPolicy): ReconnectPolicy {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || !(policy.backoffMs >= 0)) {
    throw new AppError('engine_not_configured', 'The reconnect policy needs maxAttempts ≥ 1 and backoffMs ≥ 0');
  }
  return policy;
}
