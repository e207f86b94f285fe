import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIRealtime, type FakeRealtimeServer, type ObservedEvent } from './index.ts';
import { openPhoneSession, speak } from './scenario.ts';

let server: FakeRealtimeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const typeOf = (observed: ObservedEvent): string => {
  if (observed.direction === 'server') return observed.event.type;
  const raw = observed.event.raw as { type?: unknown } | null;
  return typeof raw?.type === 'string' ? raw.type : '(invalid)';
};

describe('audio events left out of the record (long benchmarks)', () => {
  it('keeps no audio events, counts them, and shows every event to onEvent', async () => {
    const seen: ObservedEvent[] = [];
    server = await startFakeOpenAIRealtime({
      pacing: { speedFactor: Number.POSITIVE_INFINITY },
      recordAudioEvents: false,
      onEvent: (event) => seen.push(event),
      script: { replies: [{ type: 'message', text: 'Sure.', audioMs: 400 }] },
    });
    const client = await openPhoneSession(server);
    speak(client, { leadMs: 200, speechMs: 600, trailMs: 700 });
    await server.waitForServerEvent('response.done');
    const session = await server.waitForSession();

    const kept = [...session.clientEvents.map((e) => (e.raw as { type: string }).type), ...session.serverEvents.map((e) => e.type), ...server.events.map(typeOf)];
    expect(kept).not.toContain('input_audio_buffer.append');
    expect(kept).not.toContain('response.output_audio.delta');
    expect(kept).toContain('input_audio_buffer.speech_started');
    expect(session.audio.appendCount).toBeGreaterThan(0);

    const appends = seen.filter((event) => typeOf(event) === 'input_audio_buffer.append');
    const deltas = seen.filter((event) => typeOf(event) === 'response.output_audio.delta');
    expect(appends).toHaveLength(session.audio.appendCount);
    expect(deltas.length).toBeGreaterThan(0);
    // Payloads as sent: a benchmark can size them.
    const first = appends[0]?.direction === 'client' ? (appends[0].event.raw as { audio: string }).audio : '';
    expect(Buffer.from(first, 'base64').length).toBeGreaterThan(0);
  });
});
