import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { silentLogger } from '../../testing/transport-test-support.ts';
import { websocketCallWire } from './websocket-wire.ts';

describe('WebSocket binary audio and the lent audio bytes', () => {
  it('sends its own copy, since ws may queue the frame on a busy socket', () => {
    const frames: unknown[] = [];
    const ws = { readyState: WebSocket.OPEN, bufferedAmount: 0, send: (data: unknown) => frames.push(data) } as unknown as WebSocket;
    const data = new Uint8Array([1, 2, 3, 4]);
    websocketCallWire(ws, silentLogger()).sendAudio({ itemId: 'a1', generation: 0, sampleRateHz: 24000, data });
    data.fill(0);
    expect(frames.at(-1)).toEqual(Buffer.from([1, 2, 3, 4]));
  });
});
