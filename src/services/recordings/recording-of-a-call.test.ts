/**
 * The acceptance item of issue 6 part 5: a recording of a 60 s call is a valid stereo WAV whose
 * channels hold the caller's and the agent's audio in time alignment, and memory does not grow with
 * the call's length. A real CallSession over the runtime fakes on a manual clock; the caller streams
 * 20 ms chunks (a 440 Hz tone while speaking), the agent answers with a 1 kHz tone sent ahead of
 * playback, and one answer is cut by a barge-in.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudioFormat } from '../../audio/format.ts';
import { measureTone } from '../../audio/spectrum.ts';
import { decodeWav } from '../../audio/wav.ts';
import { createWavFileWriter, type WavFileWriter } from '../../audio/wav-file-writer.ts';
import {
  ManualClock,
  MULAW_8K,
  PCM16_24K,
  silenceChunk,
  silentLogger,
  startTestCall,
  toneChunk,
  type ScriptedEngineSession,
} from '../../testing/runtime-fakes/index.ts';
import { CallRecorder, type RecordingOutcome } from './call-recorder.ts';
import { recordingRateHz } from './recording-files.ts';

const CALLER_HZ = 440;
const AGENT_HZ = 1000;
const FRAME_MS = 20;
const PCM16_48K: AudioFormat = { encoding: 'pcm16', sampleRateHz: 48_000 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-recording-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Script {
  readonly callMs: number;
  /** [from, to) ms of the call in which the caller speaks. */
  readonly callerSpeaks: readonly (readonly [number, number])[];
  /** The agent sends `ms` of tone at `atMs`, all at once (faster than real time). */
  readonly agentSays: readonly { readonly atMs: number; readonly ms: number; readonly itemId: string }[];
  /** The caller barges in at these times. */
  readonly bargeInsAt: readonly number[];
}

interface Recorded {
  readonly path: string;
  readonly recorder: CallRecorder;
  readonly writer: WavFileWriter;
  readonly outcome: RecordingOutcome;
  readonly startMs: number;
}

/** The caller's side of the transport: what it sends and what it wants back. */
interface Leg {
  readonly input: AudioFormat;
  readonly output: AudioFormat;
}

const BROWSER: Leg = { input: PCM16_24K, output: PCM16_24K };

/** Plays `script` through a real call session with a recorder attached, in simulated real time. */
async function recordCall(script: Script, leg: Leg = BROWSER): Promise<Recorded> {
  const clock = new ManualClock();
  const startMs = clock.nowMs();
  const path = join(dir, 'call.wav');
  const writer = await createWavFileWriter(path, { sampleRateHz: recordingRateHz(leg.input, leg.output), channels: 2, headerUpdateBytes: 64_000 });
  const outcomes: RecordingOutcome[] = [];
  const recorder = new CallRecorder({
    writer,
    callerFormat: leg.input,
    agentFormat: leg.output,
    originMs: startMs,
    logger: silentLogger(),
    finish: (result) => {
      outcomes.push(result);
      return Promise.resolve();
    },
  });
  const call = await startTestCall({ clock, observers: [recorder], agent: { maxDurationS: 3600 }, transport: { inputFormat: leg.input, outputFormat: leg.output } });
  const speech = toneChunk(leg.input, FRAME_MS, { frequencyHz: CALLER_HZ });
  const silence = silenceChunk(leg.input, FRAME_MS);
  for (let t = 0; t < script.callMs; t += FRAME_MS) {
    const speaking = script.callerSpeaks.some(([from, to]) => t >= from && t < to);
    for (const say of script.agentSays) if (say.atMs === t) agentSays(call.engineSession, say.itemId, say.ms, leg.output);
    if (script.bargeInsAt.includes(t)) call.engineSession.speechStarted(`user-${t}`);
    clock.advance(FRAME_MS);
    // The chunk covering [t, t + 20) arrives at t + 20.
    call.transport.sendCallerAudio(speaking ? speech : silence);
    // The disk keeps up with real time: let the writer's I/O run every half second of the call.
    if (t % 500 === 0) await writer.drained();
  }
  await call.session.end('caller_ended');
  const [outcome] = outcomes;
  expect(outcomes).toHaveLength(1);
  if (outcome === undefined) throw new Error('the recorder stored no outcome');
  return { path, recorder, writer, outcome, startMs };
}

function agentSays(session: ScriptedEngineSession, itemId: string, ms: number, format: AudioFormat): void {
  session.responseStarted(`resp-${itemId}`);
  for (let sent = 0; sent < ms; sent += 100) session.assistantAudio(itemId, 100, toneChunk(format, 100, { frequencyHz: AGENT_HZ }));
  session.responseDone(`resp-${itemId}`);
}

/** Per 10 ms window of one channel: whether the tone at `hz` is present (amplitude above a quarter of the sent one). */
function presence(samples: Int16Array, channel: number, rateHz: number, hz: number): boolean[] {
  const window = rateHz / 100;
  const frames = samples.length / 2;
  const out: boolean[] = [];
  const buffer = new Float64Array(window);
  for (let start = 0; start + window <= frames; start += window) {
    for (let i = 0; i < window; i++) buffer[i] = samples[2 * (start + i) + channel] ?? 0;
    out.push(measureTone(buffer, rateHz, hz).amplitude > 0.25 * 0.3 * 32767);
  }
  return out;
}

/** [from, to) ms runs where the presence is true. */
function runs(present: readonly boolean[]): [number, number][] {
  const out: [number, number][] = [];
  let from = -1;
  present.forEach((on, i) => {
    if (on && from < 0) from = i;
    if (!on && from >= 0) {
      out.push([from * 10, i * 10]);
      from = -1;
    }
  });
  if (from >= 0) out.push([from * 10, present.length * 10]);
  return out;
}

function expectRunsNear(actual: [number, number][], expected: readonly (readonly [number, number])[], toleranceMs: number): void {
  expect(actual.length, `runs ${JSON.stringify(actual)}`).toBe(expected.length);
  actual.forEach(([from, to], i) => {
    const [wantFrom, wantTo] = expected[i] ?? [0, 0];
    expect(Math.abs(from - wantFrom), `run ${i} starts at ${from}, expected ${wantFrom}`).toBeLessThanOrEqual(toleranceMs);
    expect(Math.abs(to - wantTo), `run ${i} ends at ${to}, expected ${wantTo}`).toBeLessThanOrEqual(toleranceMs);
  });
}

describe('the recording of a 60 s call', () => {
  it.each([
    ['a browser client (24 kHz PCM16 both ways)', BROWSER, 24_000],
    ['a phone call (8 kHz μ-law both ways)', { input: MULAW_8K, output: MULAW_8K }, 8000],
    ['a client sending 48 kHz and playing 24 kHz (the caller resampled)', { input: PCM16_48K, output: PCM16_24K }, 24_000],
  ] as const)('of %s is a valid stereo WAV with the caller left and the agent right, where each was heard', async (_name, leg, rateHz) => {
    const { path, outcome, recorder } = await recordCall({
      callMs: 60_000,
      callerSpeaks: [
        [2000, 5000],
        [20_000, 24_000],
        [28_000, 30_000],
        [40_000, 43_000],
      ],
      agentSays: [
        { atMs: 6000, ms: 3000, itemId: 'a-1' },
        { atMs: 25_000, ms: 5000, itemId: 'a-2' }, // interrupted at 28 s: 3 s heard, 2 s never played
        { atMs: 45_000, ms: 2000, itemId: 'a-3' },
      ],
      bargeInsAt: [28_000],
    }, leg);

    const wav = decodeWav(new Uint8Array(await readFile(path)));
    expect(wav).toMatchObject({ channels: 2, sampleRateHz: rateHz, encoding: 'pcm16', bitsPerSample: 16 });
    const durationMs = (wav.samples.length / 2 / wav.sampleRateHz) * 1000;
    expect(Math.abs(durationMs - 60_000)).toBeLessThanOrEqual(40);
    expect(outcome).toEqual({ status: 'ready', durationMs: Math.round(durationMs), bytes: 44 + wav.samples.length * 2, droppedMs: 0 });

    // Alignment within two 20 ms frames of where the audio was sent (caller) or played (agent).
    expectRunsNear(runs(presence(wav.samples, 0, wav.sampleRateHz, CALLER_HZ)), [[2000, 5000], [20_000, 24_000], [28_000, 30_000], [40_000, 43_000]], 40);
    expectRunsNear(runs(presence(wav.samples, 1, wav.sampleRateHz, AGENT_HZ)), [[6000, 9000], [25_000, 28_000], [45_000, 47_000]], 40);
    // No cross-talk: each tone only on its own channel.
    expect(runs(presence(wav.samples, 0, wav.sampleRateHz, AGENT_HZ))).toEqual([]);
    expect(runs(presence(wav.samples, 1, wav.sampleRateHz, CALLER_HZ))).toEqual([]);
    // Held at most (bytes): the 5 s answer queued ahead of playback and the caller's last ¾ s on the
    // timeline (mono, 2 B a sample), and under ¾ s of stereo frames (4 B each) in the writer's queue.
    expect(recorder.highWaterBytes).toBeLessThan((5 + 0.75) * rateHz * 2 + 0.75 * rateHz * 4);
  });

  it('holds no more memory for a ten-minute call than for a one-minute one (the writer’s high-water mark)', async () => {
    /** A conversation that repeats every 20 s: the caller speaks 4 s, the agent answers 6 s sent at once. */
    function conversation(callMs: number): Script {
      const callerSpeaks: [number, number][] = [];
      const agentSays: { atMs: number; ms: number; itemId: string }[] = [];
      for (let t = 0; t + 20_000 <= callMs; t += 20_000) {
        callerSpeaks.push([t + 1000, t + 5000]);
        agentSays.push({ atMs: t + 6000, ms: 6000, itemId: `a-${t}` });
      }
      return { callMs, callerSpeaks, agentSays, bargeInsAt: [] };
    }
    const short = await recordCall(conversation(60_000));
    const long = await recordCall(conversation(600_000));

    expect(long.outcome).toMatchObject({ status: 'ready', droppedMs: 0 });
    expect(Math.abs(long.outcome.durationMs - 600_000)).toBeLessThanOrEqual(40);
    // What is held: the agent's 6 s queued ahead and the caller's last ¾ s (mono), under ¾ s of stereo in the writer.
    expect(long.recorder.highWaterBytes).toBeLessThan((6 + 0.75) * 24_000 * 2 + 0.75 * 24_000 * 4);
    expect(long.recorder.highWaterBytes).toBeLessThanOrEqual(short.recorder.highWaterBytes * 1.05);
    expect(long.writer.maxQueuedBytes).toBeLessThanOrEqual(short.writer.maxQueuedBytes * 1.05 + 64_000);
  }, 60_000);
});
