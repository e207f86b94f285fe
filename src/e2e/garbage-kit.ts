import { expect } from 'vitest';
import type { FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { useFileFixture, type FileFixture } from '../testing/file-fixture.ts';
import { eventually, fixtureWords, getJson, speech, startE2eServer, type E2eServer } from './socket-io-kit.ts';

/**
 * What the garbage tests of both caller protocols (socket-io-garbage, websocket-garbage) share: the
 * server, the healthy call's reply, and the checks that the garbage harmed nothing else. In both, the
 * fake's first session is the healthy call, its third the garbage call (the second is the abuser's).
 */

export const reply = 'Nice to meet you. What would you like to talk about today?';
export const replyAudioMs = 3_000;

/** The `error` the server answers garbage with, on either protocol. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly recoverable: boolean;
}

/** The healthy call's transcript at its end: the fixture's words and the whole reply. */
export const healthyTranscript = [
  { role: 'user', text: fixtureWords, interrupted: false },
  { role: 'assistant', text: reply, interrupted: false },
];

/** Registers the file's server: the fake hears the fixture once and answers with {@link reply}. */
export function useGarbageServer(): FileFixture<E2eServer> {
  return useFileFixture(
    'the e2e server',
    () =>
      startE2eServer({
        // 2× real time: the reply streams for 1.5 s, long enough for garbage to arrive meanwhile.
        pacing: { speedFactor: 2 },
        script: { userSays: [fixtureWords], replies: [{ type: 'message', text: reply, audioMs: replyAudioMs }] },
      }),
    (server) => server.close(),
  );
}

/** The upstream heard all of the healthy caller's speech, and the garbage call's 2,400 samples (4,800 bytes). */
export async function expectBothCallsHeard(fake: FakeRealtimeServer): Promise<void> {
  const healthySession = await fake.waitForSession(1);
  expect(healthySession.audio.bytesReceived).toBeGreaterThanOrEqual(speech.samples.byteLength);
  const garbageSession = await fake.waitForSession(3);
  await eventually(() => garbageSession.audio.bytesReceived === 4_800);
}

/** The abuser's call (its connection dropped) ends, and the server still answers `/health`. */
export async function expectAbuserEndedAndServerUp(baseUrl: string, abuserCallId: string): Promise<void> {
  await eventually(async () => (await getJson<{ status: string }>(`${baseUrl}/v1/calls/${abuserCallId}`)).status === 'ended');
  expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
}
