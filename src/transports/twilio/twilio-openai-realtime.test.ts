/**
 * A Twilio call end to end, in real time: the fake Twilio client ⇄ the media stream bridge ⇄ a real
 * `CallSession` ⇄ the OpenAI Realtime engine ⇄ the fake OpenAI upstream.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import { createOpenAIRealtimeEngine } from '../../engines/openai-realtime/index.ts';
import { CallSession } from '../../runtime/call-session.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeOptions, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { connectFakeTwilioMedia, type ConnectedFakeTwilio } from '../../testing/fake-twilio-media/index.ts';
import { RecordingSink, silentLogger, testAgent } from '../../testing/runtime-fakes/index.ts';
import { eventually } from '../../testing/fake-call-connector.ts';
import { attachTwilioMediaStream, type TwilioMediaAttachment } from './attach-twilio-media-stream.ts';
import type { TwilioStreamLimits } from './twilio-limits.ts';
import { parseMarkName } from './twilio-playout.ts';

const pcmu = { type: 'audio/pcmu' } as const;

interface World {
  readonly fake: FakeRealtimeServer;
  readonly server: Server;
  readonly attachment: TwilioMediaAttachment;
  readonly sessions: CallSession[];
  readonly client: ConnectedFakeTwilio;
}

let world: World | null = null;

async function startWorld(fakeOptions: FakeRealtimeOptions, limits: Partial<TwilioStreamLimits> = {}): Promise<World> {
  const fake = await startFakeOpenAIRealtime(fakeOptions);
  const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
  const server = createServer();
  const sessions: CallSession[] = [];
  const attachment = attachTwilioMediaStream(server, {
    verifyUpgrade: () => true,
    logger: silentLogger(),
    limits,
    connector: {
      startTwilioCall({ callId, transport }) {
        const session = new CallSession({ callId, engine, transport, sink: new RecordingSink(), clock: systemClock, logger: silentLogger(), agent: testAgent });
        sessions.push(session);
        void session.start();
        return Promise.resolve({ ok: true });
      },
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/twilio/media`;
  const client = await connectFakeTwilioMedia({ url, customParameters: { callId: 'call-1', streamToken: 'token-1' } });
  world = { fake, server, attachment, sessions, client };
  return world;
}

afterEach(async () => {
  if (world === null) return;
  const { fake, server, attachment, sessions, client } = world;
  world = null;
  client.ws.terminate();
  await Promise.all(sessions.map((session) => session.end('test_over')));
  await attachment.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  await fake.close();
});

function appendedUpstream(fake: FakeRealtimeServer): Buffer {
  const session = fake.sessions[0];
  const appends = (session?.clientEvents ?? []).flatMap((event) => (event.event?.type === 'input_audio_buffer.append' ? [event.event.audio] : []));
  return Buffer.concat(appends.map((audio) => Buffer.from(audio, 'base64')));
}

describe('a Twilio call to OpenAI Realtime', () => {
  it('passes μ-law untouched both ways (audio/pcmu), including the audio sent while the upstream connects', async () => {
    const { fake, client, sessions } = await startWorld(
      { connectDelayMs: 300, script: { replies: [{ type: 'message', text: 'Hello from the fake.', audioMs: 500 }] } },
      // No padding in this test: every byte upstream must be a byte the caller sent.
      { stallMs: 60_000 },
    );
    const { twilio } = client;
    twilio.say(toneAudio(600, pcmu));
    await eventually(() => twilio.receivedAudio().length >= 4000, 8000);
    twilio.pauseMedia();

    const sent = Buffer.concat(twilio.sentAudio);
    await eventually(() => (fake.sessions[0]?.audio.bytesReceived ?? 0) === sent.length, 4000);
    const upstream = fake.sessions[0];
    expect(upstream?.config.audio.input.format).toEqual(pcmu);
    expect(upstream?.config.audio.output.format).toEqual(pcmu);
    expect(upstream?.audio.appendsBeforeSessionUpdate).toBe(0);
    expect(appendedUpstream(fake)).toEqual(sent);
    expect(sessions[0]?.audioPlan).toMatchObject({ convertsInput: false, convertsOutput: false });

    const deltas = Buffer.concat(
      (upstream?.serverEvents ?? []).flatMap((event) => (event.type === 'response.output_audio.delta' ? [Buffer.from(event.delta, 'base64')] : [])),
    );
    expect(deltas.length).toBe(4000);
    const received = Buffer.from(twilio.receivedAudio());
    expect(received.subarray(0, deltas.length)).toEqual(deltas);
    expect(received.length).toBe(Math.ceil(deltas.length / 160) * 160);
    twilio.assertNoProtocolErrors();
  }, 20_000);

  it('barge-in: clear right after speech_started, truncation at the last acknowledged mark, empty phone queue', async () => {
    const { fake, client } = await startWorld({ script: { replies: [{ type: 'message', text: 'A long answer that goes on and on.', audioMs: 4000 }] } });
    const { twilio } = client;
    twilio.say(toneAudio(400, pcmu));
    await eventually(() => twilio.playback.playedMs >= 800, 8000);

    twilio.say(toneAudio(400, pcmu));
    await eventually(() => twilio.received.some((message) => message.event === 'clear'), 4000);
    const session = await fake.waitForSession();
    await eventually(() => session.truncations.length > 0, 4000);

    const clear = twilio.received.find((message) => message.event === 'clear');
    const speechStarted = fake.events.filter((event) => event.direction === 'server' && event.event.type === 'input_audio_buffer.speech_started').at(-1);
    expect(clear !== undefined && speechStarted !== undefined).toBe(true);
    // "Within one frame" is proven exactly, load or not, in twilio-barge-in.test.ts (the clear leaves in the
    // same turn as the engine's speech_started, on a manual clock). Here, in real time and on a shared
    // machine, two event loops lie between the stamps, so only the order and a loose bound are checked.
    expect(clear?.atMs ?? 0).toBeGreaterThanOrEqual(speechStarted?.atMs ?? Number.POSITIVE_INFINITY);
    expect((clear?.atMs ?? 0) - (speechStarted?.atMs ?? 0)).toBeLessThanOrEqual(250);

    const truncation = session.truncations[0];
    expect(truncation?.accepted).toBe(true);
    const lastMark = parseMarkName(twilio.lastPlayedMark() ?? '');
    const lastAckedMs = (lastMark?.seq ?? 0) * 20;
    expect(lastAckedMs).toBeGreaterThanOrEqual(800);
    expect(Math.abs((truncation?.audioEndMs ?? -1000) - lastAckedMs)).toBeLessThanOrEqual(20);
    expect(twilio.playback.queuedMs).toBe(0);
    expect(new Set(twilio.receivedEvents())).toEqual(new Set(['media', 'mark', 'clear']));
    twilio.assertNoProtocolErrors();
  }, 20_000);
});
