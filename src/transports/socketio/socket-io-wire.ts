/** The sending half of the Socket.IO protocol: protocol-neutral events → Aero-compatible emits. */
import type { Socket } from 'socket.io';
import type { Logger } from '../../core/logger.ts';
import type { CallerIdentity } from '../shared/call-connector.ts';
import type { CallWire, ConnectionWire, OutboundAudio, OutboundEvent, WireError } from '../shared/wire.ts';
import type { AudioPayloadMode, ClientToServerEvents, ServerToClientEvents } from './socket-io-messages.ts';

/** Per-socket data: who authenticated the handshake. */
export interface SocketIoSocketData {
  identity?: CallerIdentity;
}

export type CallSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketIoSocketData>;

function emitEvent(socket: CallSocket, event: OutboundEvent): void {
  switch (event.type) {
    case 'call_started':
      socket.emit('call-started', { callId: event.callId, inputSampleRate: event.inputSampleRateHz, outputSampleRate: event.outputSampleRateHz });
      return;
    case 'user_transcript':
      socket.emit('user-transcript', { itemId: event.itemId, text: event.text, final: event.final });
      return;
    case 'assistant_text_delta':
      socket.emit('ai-text-delta', { itemId: event.itemId, delta: event.delta });
      return;
    case 'assistant_text_done':
      socket.emit('ai-text-done', { itemId: event.itemId, text: event.text, interrupted: event.interrupted });
      return;
    case 'interrupted':
      socket.emit('ai-interrupted', { itemId: event.itemId, heardMs: event.heardMs, generation: event.generation });
      return;
    case 'call_ended':
      socket.emit('call-ended', {
        callId: event.callId,
        status: event.status,
        reason: event.reason,
        transcription: event.transcript.map((turn) => ({ role: turn.role, text: turn.text, interrupted: turn.interrupted })),
      });
      return;
    case 'error':
      socket.emit('error', { code: event.code, message: event.message, recoverable: event.recoverable });
      return;
  }
}

/** The connection-level wire: errors; the socket stays connected after a call so the client can start another. */
export function socketIoConnectionWire(socket: CallSocket, logger: Logger): ConnectionWire {
  return {
    messageNames: { start: 'start-call', end: 'end-call' },
    sendError(error: WireError): void {
      socket.emit('error', { code: error.code, message: error.message, recoverable: error.recoverable });
    },
    callReleased(reason: string): void {
      logger.debug({ reason }, 'call released; socket stays connected');
    },
  };
}

/** One call's wire; `audioPayload` is what the client chose at start-call. */
export function socketIoCallWire(socket: CallSocket, audioPayload: AudioPayloadMode): CallWire {
  return {
    sendEvent(event: OutboundEvent): void {
      emitEvent(socket, event);
    },
    sendAudio(audio: OutboundAudio): void {
      const lent = Buffer.from(audio.data.buffer, audio.data.byteOffset, audio.data.byteLength);
      socket.emit('ai-audio-delta', {
        itemId: audio.itemId,
        // A binary attachment is written to the socket later: it gets its own copy of the lent bytes.
        audio: audioPayload === 'binary' ? Buffer.from(lent) : lent.toString('base64'),
        sampleRate: audio.sampleRateHz,
        generation: audio.generation,
      });
    },
  };
}
