import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectFakeTwilioMedia } from '../../testing/fake-twilio-media/index.ts';
import { createTwilioWorld, RecordingTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';
import { capturingLogger, silentLogger } from '../../testing/runtime-fakes/index.ts';
import { eventually } from '../../testing/fake-call-connector.ts';
import { attachTwilioMediaStream } from './attach-twilio-media-stream.ts';

const SECRET_AUDIO = Buffer.alloc(160, 0x37).toString('base64');

function garbage(streamSid: string): string[] {
  return [
    'not json',
    '[]',
    'null',
    '{"event":42}',
    JSON.stringify({ event: 'media', sequenceNumber: '9', streamSid, media: { track: 'inbound', chunk: '9', timestamp: '9', payload: `${SECRET_AUDIO}%` } }),
    JSON.stringify({ event: 'media', sequenceNumber: '9', streamSid: 'MZffffffffffffffffffffffffffffffff', media: { track: 'inbound', chunk: '9', timestamp: '9', payload: SECRET_AUDIO } }),
    JSON.stringify({ event: 'mark', sequenceNumber: '9', streamSid, mark: { name: 5 } }),
    JSON.stringify({ event: 'start', sequenceNumber: '9', streamSid, start: {} }),
    JSON.stringify({ event: 'dtmf', sequenceNumber: '9', streamSid, dtmf: { digit: 'Z' } }),
  ];
}

describe('garbage from the Twilio side', () => {
  it('is logged without payloads, counted, dropped, and the stream carries on', async () => {
    const { logger, lines } = capturingLogger('debug');
    const world = await createTwilioWorld({ connector: new RecordingTwilioConnector(), logger });
    for (const text of garbage(world.twilio.streamSid)) world.twilio.sendRaw(text);
    world.twilio.sendRaw(JSON.stringify({ event: 'mark', sequenceNumber: '99', streamSid: world.twilio.streamSid, mark: { name: 'not-ours' } }));
    world.twilio.sendRaw(JSON.stringify({ event: 'media', sequenceNumber: '99', streamSid: world.twilio.streamSid, media: { track: 'inbound', chunk: '9', timestamp: '9', payload: SECRET_AUDIO } }));
    await world.flush();

    expect(world.stream.stats.badMessages).toBe(9);
    expect(world.stream.stats.outbound?.unknownMarks).toBe(1);
    expect(world.connector.eventsOf('caller_audio').map((event) => Buffer.from(event.chunk.data).toString('base64'))).toEqual([SECRET_AUDIO]);
    expect(world.serverSent).toEqual([]);
    const logged = JSON.stringify(lines());
    expect(logged).toContain('bad twilio message dropped');
    expect(logged).not.toContain(SECRET_AUDIO.slice(0, 16));
    expect(logged).not.toContain('stream-token-1');
    expect(world.serverClose).toBeNull();
  });

  it('never reaches another call on the same server', async () => {
    const server = createServer();
    const connector = new RecordingTwilioConnector();
    const attachment = attachTwilioMediaStream(server, { verifyUpgrade: () => true, connector, logger: silentLogger() });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/twilio/media`;
    try {
      const noisy = await connectFakeTwilioMedia({ url, customParameters: { callId: 'noisy', streamToken: 't' }, pacedMedia: false });
      const quiet = await connectFakeTwilioMedia({ url, customParameters: { callId: 'quiet', streamToken: 't' }, pacedMedia: false });
      await eventually(() => connector.starts.length === 2);
      for (const text of garbage(noisy.twilio.streamSid)) noisy.twilio.sendRaw(text);
      noisy.ws.send(Buffer.from([1, 2, 3]));
      // The noisy client sends the quiet stream's own sid: still not the quiet call.
      noisy.twilio.sendRaw(JSON.stringify({ event: 'dtmf', sequenceNumber: '50', streamSid: quiet.twilio.streamSid, dtmf: { digit: '1' } }));
      quiet.twilio.sendFrames(5);
      quiet.twilio.dtmf('2');
      await eventually(() => (connector.eventsByCall.get('quiet') ?? []).length === 6);
      noisy.twilio.sendFrames(1);
      await eventually(() => (connector.eventsByCall.get('noisy') ?? []).length === 1);

      expect(connector.eventsByCall.get('quiet')?.map((event) => event.type)).toEqual(['caller_audio', 'caller_audio', 'caller_audio', 'caller_audio', 'caller_audio', 'dtmf']);
      const [noisyStream, quietStream] = [...attachment.streams];
      expect(noisyStream?.stats.badMessages).toBe(11);
      expect(quietStream?.stats.badMessages).toBe(0);
      expect(noisy.twilio.received).toEqual([]);
      expect(noisy.ws.readyState).toBe(noisy.ws.OPEN);
      noisy.ws.terminate();
      quiet.ws.terminate();
    } finally {
      await attachment.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    }
  });
});
