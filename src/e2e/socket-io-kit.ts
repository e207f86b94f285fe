import type { Socket } from 'socket.io-client';

export function waitFor<T>(socket: Socket, event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`timed out waiting for ${event}`)); }, timeoutMs);
    const listener = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Streams PCM16 samples as 20 ms binary frames, paced at `speed`× real time. */
export async function stream(socket: Socket, samples: Int16Array, speed: number): Promise<void> {
  const frame = 480;
  for (let offset = 0; offset < samples.length; offset += frame) {
    const chunk = samples.subarray(offset, Math.min(samples.length, offset + frame));
    socket.emit('audio-data', Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    await new Promise((resolve) => setTimeout(resolve, 20 / speed));
  }
}

