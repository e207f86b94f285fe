import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectFakeTwilioMedia, TwilioUpgradeRefused, type ConnectedFakeTwilio } from '../../testing/fake-twilio-media/index.ts';
import { RecordingTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';
import { eventually } from '../../testing/fake-call-connector.ts';
import { silentLogger } from '../../testing/transport-test-support.ts';
import { attachTwilioMediaStream, type TwilioMediaAttachment } from './attach-twilio-media-stream.ts';
import type { VerifyTwilioUpgrade } from './twilio-connector.ts';

const PARAMETERS = { callId: 'call-1', streamToken: 'token-1' };

interface Harness {
  readonly base: string;
  readonly server: Server;
  readonly attachment: TwilioMediaAttachment;
  readonly connector: RecordingTwilioConnector;
  readonly verified: IncomingMessage[];
}

let harness: Harness | null = null;
const clients: ConnectedFakeTwilio[] = [];

/** Every write the server makes to its sockets: `_write` (one chunk) or `_writev` (several), one system call each. */
const serverWrites: string[] = [];

async function start(verify: VerifyTwilioUpgrade, verifyTimeoutMs = 5000): Promise<Harness> {
  const server = createServer();
  server.on('connection', (socket: Socket) => {
    const write = socket._write.bind(socket);
    const writev = socket._writev?.bind(socket);
    socket._write = (chunk, encoding, callback) => {
      serverWrites.push('write');
      write(chunk, encoding, callback);
    };
    if (writev !== undefined) {
      socket._writev = (chunks, callback) => {
        serverWrites.push(`writev:${String(chunks.length)}`);
        writev(chunks, callback);
      };
    }
  });
  const connector = new RecordingTwilioConnector();
  const verified: IncomingMessage[] = [];
  const attachment = attachTwilioMediaStream(server, {
    verifyUpgrade: (request) => {
      verified.push(request);
      return verify(request);
    },
    connector,
    logger: silentLogger(),
    limits: { verifyTimeoutMs },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  harness = { base: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, server, attachment, connector, verified };
  return harness;
}

async function connect(url: string, headers: Record<string, string> = {}): Promise<ConnectedFakeTwilio> {
  const client = await connectFakeTwilioMedia({ url, headers, customParameters: PARAMETERS, pacedMedia: false });
  clients.push(client);
  return client;
}

async function refusal(url: string): Promise<number> {
  try {
    await connect(url);
  } catch (error) {
    if (error instanceof TwilioUpgradeRefused) return error.status;
    throw error;
  }
  return 101;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  if (harness === null) return;
  const { attachment, server } = harness;
  harness = null;
  await attachment.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

describe('the Twilio media stream upgrade', () => {
  it('refuses with 403, before any WebSocket, when verifyUpgrade says no; nothing starts', async () => {
    const { base, connector, verified } = await start(() => false);
    expect(await refusal(`${base}/twilio/media`)).toBe(403);
    expect(verified).toHaveLength(1);
    expect(connector.starts).toEqual([]);
  });

  it('gives verifyUpgrade the raw request: path and the X-Twilio-Signature header', async () => {
    const { base } = await start((request) => request.headers['x-twilio-signature'] === 'good-signature');
    expect(await refusal(`${base}/twilio/media`)).toBe(403);
    const client = await connect(`${base}/twilio/media`, { 'X-Twilio-Signature': 'good-signature' });
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(harness?.verified.map((request) => request.url)).toEqual(['/twilio/media', '/twilio/media']);
  });

  it('answers 500 when the check throws: a broken check never admits', async () => {
    const { base, connector } = await start(() => {
      throw new Error('signature backend down');
    });
    expect(await refusal(`${base}/media-stream`)).toBe(500);
    expect(connector.starts).toEqual([]);
  });

  it('answers 500 when the check does not answer within verifyTimeoutMs', async () => {
    const { base, connector } = await start(() => new Promise<boolean>(() => undefined), 50);
    expect(await refusal(`${base}/twilio/media`)).toBe(500);
    expect(connector.starts).toEqual([]);
  });

  it('serves both paths and takes the call id from customParameters, never from the URL', async () => {
    const { base, connector } = await start(() => true);
    await connect(`${base}/twilio/media?callId=from-the-url`);
    await connect(`${base}/media-stream`);
    await eventually(() => connector.starts.length === 2);
    expect(connector.starts.map((params) => params.callId)).toEqual(['call-1', 'call-1']);
    expect(connector.starts.map((params) => params.streamToken)).toEqual(['token-1', 'token-1']);
  });

  it('leaves other paths alone (404 when no other handler listens)', async () => {
    const { base, verified } = await start(() => true);
    expect(await refusal(`${base}/somewhere-else`)).toBe(404);
    expect(verified).toEqual([]);
  });

  it('writes a chunk of assistant audio, all its media and marks, to the socket in one system call', async () => {
    const { base, connector } = await start(() => true);
    const client = await connect(`${base}/twilio/media`);
    await eventually(() => connector.starts.length === 1);
    // The connector accepted at once; let the stream take the call (a promise turn) before sending.
    await new Promise((resolve) => setImmediate(resolve));
    const transport = connector.starts[0]?.transport;
    if (transport === undefined) throw new Error('no transport');
    serverWrites.length = 0;
    // 100 ms of μ-law: five 20 ms frames, each a `media` and a `mark`.
    transport.sendAudio('item-1', { format: { encoding: 'mulaw', sampleRateHz: 8000 }, data: new Uint8Array(800).fill(0xff) });
    await eventually(() => client.twilio.received.length === 10);
    expect(client.twilio.receivedEvents()).toEqual(['media', 'mark', 'media', 'mark', 'media', 'mark', 'media', 'mark', 'media', 'mark']);
    expect(serverWrites).toEqual(['writev:20']);
  });

  it('hangs up every call and closes the streams on close()', async () => {
    const { base, connector, attachment } = await start(() => true);
    const client = await connect(`${base}/twilio/media`);
    await eventually(() => connector.starts.length === 1);
    await attachment.close();
    expect(await client.closed).toBe(1001);
    expect(connector.eventsOf('hangup')).toMatchObject([{ reason: 'server_shutdown' }]);
  });
});
