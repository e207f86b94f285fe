/**
 * The Socket.IO protocol's payloads: validation of what clients send (`start-call`, `audio-data`,
 * `playback-position`, `end-call`) and the types of what the server emits. Event names and the
 * first fields follow the Aero backend that existing clients speak; docs/realtime-socketio.md is the
 * reference.
 */
import { z } from 'zod';
import { err, type Result } from '../../core/result.ts';
import { checkPcm16Frame, decodeBase64Frame } from '../shared/audio-frame.ts';
import {
  endFields,
  parseMessage,
  playbackFields,
  startFields,
  toPlaybackReport,
  toStartRequest,
  type EndRequest,
  type PlaybackReport,
  type StartRequest,
} from '../shared/inbound-messages.ts';
import type { WireError } from '../shared/wire.ts';

/** How `ai-audio-delta` carries audio: base64 text (Aero's clients, the default) or a binary attachment. */
export type AudioPayloadMode = 'base64' | 'binary';

export interface SocketIoStartRequest {
  readonly request: StartRequest;
  readonly audioPayload: AudioPayloadMode;
}

const startCallSchema = z.object({ ...startFields, audioPayload: z.enum(['base64', 'binary']).default('base64') });
const playbackSchema = z.object(playbackFields);
const endCallSchema = z.object(endFields).optional();

export function parseStartCall(payload: unknown): Result<SocketIoStartRequest, WireError> {
  const parsed = parseMessage(startCallSchema, payload, 'start-call');
  if (!parsed.ok) return parsed;
  return { ok: true, value: { request: toStartRequest(parsed.value), audioPayload: parsed.value.audioPayload } };
}

export function parsePlaybackPosition(payload: unknown): Result<PlaybackReport, WireError> {
  const parsed = parseMessage(playbackSchema, payload, 'playback-position');
  return parsed.ok ? { ok: true, value: toPlaybackReport(parsed.value) } : parsed;
}

export function parseEndCall(payload: unknown): Result<EndRequest, WireError> {
  const parsed = parseMessage(endCallSchema, payload ?? undefined, 'end-call');
  return parsed.ok ? { ok: true, value: { callId: parsed.value?.callId ?? null } } : parsed;
}

function binaryView(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

/**
 * `audio-data` is binary PCM16 (a Buffer, typed array or ArrayBuffer), or `{ audio }` with base64 text
 * or binary; Aero's legacy `{ audio, text }` is accepted and its `text` ignored. Structural checks
 * only: this is the hot path.
 */
export function parseAudioData(payload: unknown, maxFrameBytes: number): Result<Uint8Array, WireError> {
  const direct = binaryView(payload);
  if (direct !== null) return checkPcm16Frame(direct, maxFrameBytes);
  if (typeof payload === 'object' && payload !== null && 'audio' in payload) {
    const audio: unknown = payload.audio;
    if (typeof audio === 'string') return decodeBase64Frame(audio, maxFrameBytes);
    const nested = binaryView(audio);
    if (nested !== null) return checkPcm16Frame(nested, maxFrameBytes);
  }
  return err({
    code: 'invalid_audio',
    message: 'audio-data must be binary PCM16 or { audio: <base64 PCM16> }',
    recoverable: true,
  });
}

// ─── Server → client payloads ──────────────────────────────────────────────────────────────────────

export interface CallStartedPayload {
  readonly callId: string;
  readonly inputSampleRate: number;
  readonly outputSampleRate: number;
}

export interface AiAudioDeltaPayload {
  readonly itemId: string;
  /** PCM16 LE mono: base64 text, or a binary attachment (a Buffer / ArrayBuffer on the client). */
  readonly audio: string | Buffer;
  readonly sampleRate: number;
  readonly generation: number;
}

export interface CallEndedPayload {
  readonly callId: string;
  readonly status: 'ended' | 'failed' | 'expired';
  readonly reason: string;
  readonly transcription: readonly { readonly role: string; readonly text: string; readonly interrupted: boolean }[];
}

/** Every event the server emits, with its one payload. */
export interface ServerToClientEvents {
  'call-started': (payload: CallStartedPayload) => void;
  'ai-audio-delta': (payload: AiAudioDeltaPayload) => void;
  'ai-text-delta': (payload: { readonly itemId: string; readonly delta: string }) => void;
  'ai-text-done': (payload: { readonly itemId: string; readonly text: string; readonly interrupted: boolean }) => void;
  'user-transcript': (payload: { readonly itemId: string; readonly text: string; readonly final: boolean }) => void;
  'ai-interrupted': (payload: { readonly itemId: string; readonly heardMs: number; readonly generation: number }) => void;
  'call-ended': (payload: CallEndedPayload) => void;
  error: (payload: WireError) => void;
}

/** Every event a client may emit; payloads are untrusted until parsed above. */
export interface ClientToServerEvents {
  'start-call': (payload?: unknown) => void;
  'audio-data': (payload?: unknown) => void;
  'playback-position': (payload?: unknown) => void;
  'end-call': (payload?: unknown) => void;
}
