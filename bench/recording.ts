/**
 * `npm run bench recording`: the cost of recording a call. One simulated 10-minute call per input
 * format through a `CallRecorder` writing a real WAV file: the caller streams 20 ms frames, the agent
 * answers half of the time with audio sent five times faster than real time (100 ms chunks). Reports
 * CPU time (process.cpuUsage, user + system: holds on a busy machine) per second of call, the real-time
 * factor, and the recorder's memory high-water mark. Results in bench/results/recording.json.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { bytesForMs, type AudioFormat } from '../src/audio/format.ts';
import { generateTone } from '../src/audio/spectrum.ts';
import { mulawEncode } from '../src/audio/g711.ts';
import { samplesToPcm16Bytes } from '../src/audio/format.ts';
import { createWavFileWriter } from '../src/audio/wav-file-writer.ts';
import { CallRecorder } from '../src/services/recordings/call-recorder.ts';
import { recordingRateHz } from '../src/services/recordings/recording-files.ts';
import { resultsPath, writeBenchResult } from './bench-result.ts';

const OUTPUT = resultsPath('recording.json');
const CALL_S = 600;

function chunkOf(format: AudioFormat, ms: number, hz: number): Uint8Array {
  const samples = generateTone({ sampleRateHz: format.sampleRateHz, frequencyHz: hz, amplitude: 9000, length: bytesForMs({ encoding: 'pcm16', sampleRateHz: format.sampleRateHz }, ms) / 2 });
  return format.encoding === 'mulaw' ? mulawEncode(samples) : samplesToPcm16Bytes(samples, new Uint8Array(samples.length * 2));
}

async function recordOne(format: AudioFormat, dir: string) {
  const rateHz = recordingRateHz(format, format);
  const writer = await createWavFileWriter(join(dir, `${format.encoding}-${format.sampleRateHz}.wav`), { sampleRateHz: rateHz, channels: 2, headerUpdateBytes: rateHz * 40 });
  let now = 0;
  const recorder = new CallRecorder({ writer, callerFormat: format, agentFormat: format, originMs: 0, logger: pino({ level: 'silent' }), finish: () => Promise.resolve() });
  const caller = { format, data: chunkOf(format, 20, 440) };
  const agent = { format, data: chunkOf(format, 100, 1000) };
  let cpuUs = 0;
  for (let second = 0; second < CALL_S; second++) {
    const start = process.cpuUsage();
    for (let frame = 0; frame < 50; frame++) {
      now += 20;
      recorder.onCallerAudio(caller, now);
      // Every other 10 s the agent answers: 10 s of audio sent over the first 2 s (a 100 ms chunk per 20 ms).
      if (Math.floor(second / 10) % 2 === 1 && second % 10 < 2) recorder.onAgentAudio(`item-${Math.floor(second / 10)}`, agent, now);
    }
    const used = process.cpuUsage(start);
    cpuUs += used.user + used.system;
    await writer.drained(); // the disk keeps up with real time; its I/O is not the recorder's CPU
  }
  const start = process.cpuUsage();
  await recorder.close(now);
  const used = process.cpuUsage(start);
  cpuUs += used.user + used.system;
  return {
    format: `${format.encoding} ${format.sampleRateHz} Hz`,
    recordingRateHz: rateHz,
    callS: CALL_S,
    cpuMsPerCallSecond: Number((cpuUs / 1000 / CALL_S).toFixed(3)),
    realTimeFactor: Number((cpuUs / 1e6 / CALL_S).toFixed(5)),
    highWaterBytes: recorder.highWaterBytes,
    writerMaxQueuedBytes: writer.maxQueuedBytes,
  };
}

export async function runRecordingBench(): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-recording-'));
  try {
    const results = [];
    for (const format of [{ encoding: 'mulaw', sampleRateHz: 8000 }, { encoding: 'pcm16', sampleRateHz: 16_000 }, { encoding: 'pcm16', sampleRateHz: 24_000 }, { encoding: 'pcm16', sampleRateHz: 48_000 }] as const) {
      const result = await recordOne(format, dir);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      results.push(result);
    }
    const report = { measuredAt: new Date().toISOString(), node: process.version, results };
    await writeBenchResult(OUTPUT, report);
    return report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
