import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rms } from '../audio/levels.ts';
import { decodeWav } from '../audio/wav.ts';
import { authHeaders, eventually, fixtureWords, getJson, sleep, speech, startE2eServer, startSocketIoCall, stream, type E2eServer } from './socket-io-kit.ts';

let server: E2eServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-recording-'));
  server = await startE2eServer(
    { pacing: { speedFactor: 4 }, script: { userSays: [fixtureWords], replies: [{ type: 'message', text: 'Sure, let us practise.', audioMs: 1200 }] } },
    { DATA_DIR: dataDir },
  );
}, 60_000); // a fresh application and fake upstream: slow when the machine is loaded
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

/** RMS of one channel of interleaved stereo over [fromS, toS). */
function channelRms(samples: Int16Array, rateHz: number, channel: number, fromS: number, toS: number): number {
  const from = Math.floor(fromS * rateHz);
  const to = Math.min(samples.length / 2, Math.floor(toS * rateHz));
  const mono = new Int16Array(Math.max(0, to - from));
  for (let i = 0; i < mono.length; i++) mono[i] = samples[2 * (from + i) + channel] ?? 0;
  return rms(mono);
}

describe('a recorded Socket.IO call end to end', () => {
  it('records an agent that opts in: the caller’s speech left, the agent’s reply right, downloadable after the call', async () => {
    const { baseUrl } = server;
    const headers = { 'content-type': 'application/json', ...(await authHeaders(baseUrl)) };
    const agents = await getJson<{ items: { id: string; isDefault: boolean; ownerUserId: string | null }[] }>(`${baseUrl}/v1/agents`);
    const tenantDefault = agents.items.find((agent) => agent.isDefault && agent.ownerUserId === null);
    const patch = await fetch(`${baseUrl}/v1/agents/${tenantDefault?.id ?? ''}`, { method: 'PATCH', headers, body: JSON.stringify({ recording: { enabled: true, retentionDays: 7 } }) });
    expect(patch.status).toBe(200);

    const { callId, socket } = await startSocketIoCall(baseUrl, 'e2e-recorded', { inputSampleRate: 24_000, outputSampleRate: 24_000 });
    try {
      const speechS = speech.samples.length / 24_000;
      await stream(socket, speech.samples, 1); // real time: the recording follows the clock
      await stream(socket, new Int16Array(24_000 * 2), 1);
      await sleep(1_000);
      const busy = await fetch(`${baseUrl}/v1/calls/${callId}/recording`, { headers: await authHeaders(baseUrl) });
      expect(busy.status).toBe(409);
      await fetch(`${baseUrl}/api/calls/end/${callId}`, { method: 'POST', headers: await authHeaders(baseUrl) });

      let meta = { status: 'recording', durationMs: 0 };
      await eventually(async () => {
        meta = await getJson(`${baseUrl}/v1/calls/${callId}/recording/metadata`);
        return meta.status !== 'recording';
      });
      expect(meta).toMatchObject({ status: 'ready', channels: 2, sampleRateHz: 24_000, retentionDays: 7 });
      const download = await fetch(`${baseUrl}/v1/calls/${callId}/recording`, { headers: await authHeaders(baseUrl) });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('audio/wav');
      const wav = decodeWav(new Uint8Array(await download.arrayBuffer()));
      expect(wav).toMatchObject({ channels: 2, sampleRateHz: 24_000 });
      const durationS = wav.samples.length / 2 / wav.sampleRateHz;
      expect(durationS).toBeGreaterThan(speechS + 2);
      expect(meta.durationMs).toBe(Math.round(durationS * 1000));
      // The caller's speech is on the left while they spoke, and nothing of it leaks right.
      expect(channelRms(wav.samples, 24_000, 0, 0.2, speechS - 0.2)).toBeGreaterThan(300);
      expect(channelRms(wav.samples, 24_000, 1, 0, 0.3)).toBeLessThan(30);
      // The agent answers after the caller's turn: audio on the right after the speech ended, not before.
      expect(channelRms(wav.samples, 24_000, 1, speechS, durationS)).toBeGreaterThan(100);
    } finally {
      socket.disconnect();
    }
  }, 30_000);
});
