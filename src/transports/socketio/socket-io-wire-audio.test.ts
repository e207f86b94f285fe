import { describe, expect, it } from 'vitest';
import { socketIoCallWire, type CallSocket } from './socket-io-wire.ts';

function capturingSocket(): { socket: CallSocket; emitted: unknown[] } {
  const emitted: unknown[] = [];
  const socket = { emit: (_event: string, payload: unknown) => emitted.push(payload) } as unknown as CallSocket;
  return { socket, emitted };
}

describe('Socket.IO ai-audio-delta and the lent audio bytes', () => {
  it('gives a binary attachment its own copy, since it is written to the socket later', () => {
    const { socket, emitted } = capturingSocket();
    const data = new Uint8Array([1, 2, 3, 4]);
    socketIoCallWire(socket, 'binary').sendAudio({ itemId: 'a1', generation: 0, sampleRateHz: 24000, data });
    data.fill(0);
    expect(emitted).toEqual([{ itemId: 'a1', audio: Buffer.from([1, 2, 3, 4]), sampleRate: 24000, generation: 0 }]);
  });

  it('encodes base64 at once, from the bytes as lent', () => {
    const { socket, emitted } = capturingSocket();
    const backing = new Uint8Array([9, 1, 2, 3, 4, 9]);
    socketIoCallWire(socket, 'base64').sendAudio({ itemId: 'a1', generation: 2, sampleRateHz: 16000, data: backing.subarray(1, 5) });
    backing.fill(0);
    expect(emitted).toEqual([{ itemId: 'a1', audio: Buffer.from([1, 2, 3, 4]).toString('base64'), sampleRate: 16000, generation: 2 }]);
  });
});
