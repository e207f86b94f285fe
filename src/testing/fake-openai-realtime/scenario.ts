import type { RealtimeAudioFormats, RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { silenceAudio, toneAudio } from './audio.ts';
import { connectTestClient, type TestClient } from './test-client.ts';
import type { FakeRealtimeServer, FakeServerEvent } from './types.ts';

/** Shared steps for this folder's scenario tests. */

export const pcmu: RealtimeAudioFormats = { type: 'audio/pcmu' };

/** Connects and configures a phone-style session: μ-law both ways, server VAD, transcription on. */
export async function openPhoneSession(
  server: FakeRealtimeServer,
  overrides: Omit<RealtimeSessionCreateRequest, 'type'> = {},
): Promise<TestClient> {
  const client = await connectTestClient(server);
  await client.next('session.created');
  client.send({
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: {
        input: {
          format: pcmu,
          transcription: { model: 'gpt-4o-mini-transcribe' },
          turn_detection: { type: 'server_vad' },
        },
        output: { format: pcmu, voice: 'marin' },
      },
      ...overrides,
    },
  });
  await client.next('session.updated');
  return client;
}

/** Appends a caller utterance: silence, a tone standing in for speech, silence (μ-law, 20 ms chunks). */
export function speak(client: TestClient, shape: { leadMs?: number; speechMs: number; trailMs?: number }): void {
  client.appendAudio(silenceAudio(shape.leadMs ?? 0, pcmu));
  client.appendAudio(toneAudio(shape.speechMs, pcmu));
  client.appendAudio(silenceAudio(shape.trailMs ?? 0, pcmu));
}

/** Event types from `fromIndex` on, with runs of the same delta type collapsed to one entry. */
export function eventTypes(events: readonly FakeServerEvent[], fromIndex = 0): string[] {
  const types: string[] = [];
  for (const event of events.slice(fromIndex)) {
    if (event.type.endsWith('.delta') && types.at(-1) === event.type) continue;
    types.push(event.type);
  }
  return types;
}

/** Total decoded bytes of the `response.output_audio.delta` events for `itemId`. */
export function audioBytesFor(events: readonly FakeServerEvent[], itemId: string): number {
  return events.reduce(
    (total, event) => (event.type === 'response.output_audio.delta' && event.item_id === itemId ? total + Buffer.from(event.delta, 'base64').length : total),
    0,
  );
}
