/** The sending half of the plain WebSocket protocol. */
import { WebSocket } from 'ws';
import type { Logger } from '../../core/logger.ts';
import type { CallWire, ConnectionWire, OutboundAudio, OutboundEvent, WireError } from '../shared/wire.ts';
import type { ServerMessage } from './websocket-messages.ts';

/**
 * Above this many unsent bytes the client is not keeping up with real time; assistant audio is
 * dropped (and logged) rather than buffered without bound. About 40 s of 24 kHz audio.
 */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;

function sendJson(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function toMessage(event: OutboundEvent): ServerMessage {
  switch (event.type) {
    case 'call_started':
      return { type: 'started', callId: event.callId, inputSampleRate: event.inputSampleRateHz, outputSampleRate: event.outputSampleRateHz };
    // Rebuilt field by field: only documented fields reach the wire.
    case 'user_transcript':
      return { type: 'user_transcript', itemId: event.itemId, text: event.text, final: event.final };
    case 'assistant_text_delta':
      return { type: 'assistant_text_delta', itemId: event.itemId, delta: event.delta };
    case 'assistant_text_done':
      return { type: 'assistant_text_done', itemId: event.itemId, text: event.text, interrupted: event.interrupted };
    case 'interrupted':
      return { type: 'interrupted', itemId: event.itemId, heardMs: event.heardMs, generation: event.generation };
    case 'call_ended':
      return {
        type: 'ended',
        callId: event.callId,
        status: event.status,
        reason: event.reason,
        transcript: event.transcript.map((turn) => ({ role: turn.role, text: turn.text, interrupted: turn.interrupted })),
      };
    case 'error':
      return { type: 'error', code: event.code, message: event.message, recoverable: event.recoverable };
  }
}

/** The connection-level wire: errors; a finished call closes the connection (1000). */
export function websocketConnectionWire(ws: WebSocket, logger: Logger): ConnectionWire {
  return {
    messageNames: { start: '{"type":"start"}', end: '{"type":"end"}' },
    sendError(error: WireError): void {
      sendJson(ws, { type: 'error', code: error.code, message: error.message, recoverable: error.recoverable });
    },
    callReleased(reason: string): void {
      logger.debug({ reason }, 'call released; closing the connection');
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'call ended');
    },
  };
}

/**
 * One call's wire. Assistant audio goes out as binary frames; an `audio` JSON message announces the
 * item and generation of the binary frames that follow, sent only when they change.
 */
export function websocketCallWire(ws: WebSocket, logger: Logger): CallWire {
  let announced: { readonly itemId: string; readonly generation: number } | null = null;
  let lagging = false;
  return {
    sendEvent(event: OutboundEvent): void {
      sendJson(ws, toMessage(event));
    },
    sendAudio(audio: OutboundAudio): void {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        if (!lagging) logger.warn({ bufferedBytes: ws.bufferedAmount }, 'client is not reading; dropping assistant audio');
        lagging = true;
        return;
      }
      lagging = false;
      if (announced?.itemId !== audio.itemId || announced.generation !== audio.generation) {
        announced = { itemId: audio.itemId, generation: audio.generation };
        sendJson(ws, { type: 'audio', itemId: audio.itemId, generation: audio.generation, sampleRate: audio.sampleRateHz });
      }
      // ws may queue the frame on a busy socket: it gets its own copy of the lent bytes.
      ws.send(Buffer.from(audio.data), { binary: true });
    },
  };
}
