import { createServer } from 'node:http';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { handshakeRefusal, passUpgrade, refuseUpgrade, SHUTTING_DOWN } from './upgrade-refusal.ts';

/** A socket that keeps what is written to it. */
class RecordingSocket extends Duplex {
  written = '';

  override _read(): void {
    // Nothing to read: an upgrade's request has been parsed already.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.written += chunk.toString('utf8');
    callback();
  }
}

const finished = (socket: RecordingSocket) => new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));

describe('refusing an upgrade', () => {
  it('writes the exact HTTP answer, names the Bearer scheme on 401 and closes the socket', async () => {
    const socket = new RecordingSocket();
    const closed = finished(socket);
    refuseUpgrade(socket, handshakeRefusal({ ok: false, code: 'unauthenticated', message: 'Authentication required' }));
    await closed;
    expect(socket.written).toBe(
      'HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 62\r\nWWW-Authenticate: Bearer\r\n\r\n' +
        '{"code":"unauthenticated","message":"Authentication required"}',
    );
    expect(socket.destroyed).toBe(true);
  });

  it('repeats the message as detail for FastAPI clients, and counts the body in bytes', async () => {
    const socket = new RecordingSocket();
    const closed = finished(socket);
    refuseUpgrade(socket, { status: 409, code: 'session_not_active', message: 'This session is “completed”' }, { echoDetail: true });
    await closed;
    const body = '{"code":"session_not_active","message":"This session is “completed”","detail":"This session is “completed”"}';
    expect(socket.written).toBe(`HTTP/1.1 409 Conflict\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
  });

  it('maps handshake outcomes to 401, 403 and 500', () => {
    expect(handshakeRefusal({ ok: false, code: 'forbidden', message: 'No calls scope' })).toEqual({ status: 403, code: 'forbidden', message: 'No calls scope' });
    expect(handshakeRefusal({ ok: false, code: 'internal_error', message: 'Authentication failed' })).toEqual({ status: 500, code: 'internal_error', message: 'Authentication failed' });
  });

  it('only destroys a socket that can no longer be written to', () => {
    const socket = new RecordingSocket();
    socket.end();
    refuseUpgrade(socket, SHUTTING_DOWN);
    expect(socket.written).toBe('');
    expect(socket.destroyed).toBe(true);
  });
});

describe('an upgrade to a path the endpoint does not serve', () => {
  it('is answered 404 when the endpoint is the only upgrade listener', async () => {
    const httpServer = createServer();
    httpServer.on('upgrade', () => undefined);
    const socket = new RecordingSocket();
    const closed = finished(socket);
    passUpgrade(httpServer, socket);
    await closed;
    expect(socket.written).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(socket.written.endsWith('\r\n\r\n{"code":"route_not_found","message":"Not found"}')).toBe(true);
  });

  it('is left alone when another upgrade listener may own the path', async () => {
    const httpServer = createServer();
    httpServer.on('upgrade', () => undefined);
    httpServer.on('upgrade', () => undefined);
    const socket = new RecordingSocket();
    passUpgrade(httpServer, socket);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.written).toBe('');
    expect(socket.destroyed).toBe(false);
  });
});
