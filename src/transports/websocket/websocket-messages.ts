/**
 * The plain WebSocket protocol's messages: JSON control messages in text frames, PCM16 audio in
 * binary frames. docs/realtime-websocket.md is the reference.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../core/result.ts';
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

/** Control messages are small; a larger text frame is garbage, not a bigger request. */
export const MAX_CONTROL_MESSAGE_BYTES = 16 * 1024;

/** A validated control message from the client. */
export type ControlMessage =
  | { readonly type: 'start'; readonly request: StartRequest }
  | { readonly type: 'playback'; readonly report: PlaybackReport }
  | { readonly type: 'end'; readonly request: EndRequest };

const startSchema = z.object({ type: z.literal('start'), ...startFields });
const playbackSchema = z.object({ type: z.literal('playback'), ...playbackFields });
const endSchema = z.object({ type: z.literal('end'), ...endFields });

function invalid(code: 'invalid_json' | 'validation_failed' | 'payload_too_large', message: string): Result<never, WireError> {
  return err({ code, message, recoverable: true });
}

function parseJson(text: string): Result<unknown, WireError> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    return invalid('invalid_json', `Text frames must be JSON control messages: ${error instanceof Error ? error.message : 'unparsable'}`);
  }
}

/** Parses one text frame (its raw bytes) into a control message. */
export function parseControlMessage(bytes: Uint8Array): Result<ControlMessage, WireError> {
  if (bytes.byteLength > MAX_CONTROL_MESSAGE_BYTES) {
    return invalid('payload_too_large', `Control message of ${bytes.byteLength} bytes exceeds ${MAX_CONTROL_MESSAGE_BYTES} bytes; audio goes in binary frames`);
  }
  const json = parseJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('validation_failed', `A text frame must be a JSON object with a "type" ("start", "playback" or "end"), not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`);
  }
  const type = 'type' in value ? value.type : undefined;
  switch (type) {
    case 'start': {
      const parsed = parseMessage(startSchema, value, 'start message');
      return parsed.ok ? ok({ type: 'start', request: toStartRequest(parsed.value) }) : parsed;
    }
    case 'playback': {
      const parsed = parseMessage(playbackSchema, value, 'playback message');
      return parsed.ok ? ok({ type: 'playback', report: toPlaybackReport(parsed.value) }) : parsed;
    }
    case 'end': {
      const parsed = parseMessage(endSchema, value, 'end message');
      return parsed.ok ? ok({ type: 'end', request: { callId: parsed.value.callId ?? null } }) : parsed;
    }
    default:
      return invalid(
        'validation_failed',
        `Unknown message type ${type === undefined ? '(none)' : JSON.stringify(type)}; expected "start", "playback" or "end" (audio goes in binary frames)`,
      );
  }
}

/** Every JSON message the server sends. Binary frames are assistant audio for the item of the latest `audio` message. */
export type ServerMessage =
  | { readonly type: 'started'; readonly callId: string; readonly inputSampleRate: number; readonly outputSampleRate: number }
  | { readonly type: 'audio'; readonly itemId: string; readonly generation: number; readonly sampleRate: number }
  | { readonly type: 'user_transcript'; readonly itemId: string; readonly text: string; readonly final: boolean }
  | { readonly type: 'assistant_text_delta'; readonly itemId: string; readonly delta: string }
  | { readonly type: 'assistant_text_done'; readonly itemId: string; readonly text: string; readonly interrupted: boolean }
  | { readonly type: 'interrupted'; readonly itemId: string; readonly heardMs: number; readonly generation: number }
  | {
      readonly type: 'ended';
      readonly callId: string;
      readonly status: 'ended' | 'failed' | 'expired';
      readonly reason: string;
      readonly transcript: readonly { readonly role: string; readonly text: string; readonly interrupted: boolean }[];
    }
  | ({ readonly type: 'error' } & WireError);
