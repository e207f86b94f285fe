import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { decodeWav } from './wav.ts';
import { createWavFileWriter } from './wav-file-writer.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-wav-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createWavFileWriter', () => {
  it('streams many small writes in order and patches the sizes on close', async () => {
    const path = join(dir, 'call.wav');
    const writer = await createWavFileWriter(path, { sampleRateHz: 8000, channels: 2 });
    const frame = new Int16Array(320); // 20 ms of stereo at 8 kHz
    const expected: number[] = [];
    for (let f = 0; f < 100; f++) {
      for (let i = 0; i < frame.length; i++) frame[i] = (f * 1000 + i) % 32768;
      expected.push(...frame);
      writer.write(frame); // the writer copies: reusing `frame` must not corrupt earlier writes
    }
    expect(writer.frames).toBe(16000);
    expect(writer.durationMs).toBe(2000);
    await writer.close();
    const decoded = decodeWav(new Uint8Array(await readFile(path)));
    expect(decoded).toMatchObject({ sampleRateHz: 8000, channels: 2 });
    expect(decoded.samples.length).toBe(expected.length);
    expect(Array.from(decoded.samples)).toEqual(expected);
    const bytes = await readFile(path);
    expect(bytes.readUInt32LE(4)).toBe(36 + expected.length * 2);
    expect(bytes.readUInt32LE(40)).toBe(expected.length * 2);
  });

  it('leaves a readable file with "unknown" sizes before close', async () => {
    const path = join(dir, 'live.wav');
    const writer = await createWavFileWriter(path, { sampleRateHz: 16000, channels: 1 });
    writer.write(Int16Array.from([1, 2, 3]));
    await writer.drained();
    expect(writer.queuedBytes).toBe(0);
    const bytes = await readFile(path);
    expect(bytes.readUInt32LE(40)).toBe(0xffffffff);
    expect(Array.from(decodeWav(new Uint8Array(bytes)).samples)).toEqual([1, 2, 3]);
    await writer.close();
  });

  it('writes a valid empty file, and close is idempotent', async () => {
    const path = join(dir, 'empty.wav');
    const writer = await createWavFileWriter(path, { sampleRateHz: 24000, channels: 1 });
    const first = writer.close();
    expect(writer.close()).toBe(first);
    await first;
    expect((await stat(path)).size).toBe(44);
    expect(decodeWav(new Uint8Array(await readFile(path))).samples.length).toBe(0);
  });

  it('refuses writes after close and partial frames', async () => {
    const writer = await createWavFileWriter(join(dir, 'x.wav'), { sampleRateHz: 8000, channels: 2 });
    expect(() => { writer.write(new Int16Array(3)); }).toThrow(AppError);
    await writer.close();
    expect(() => { writer.write(new Int16Array(2)); }).toThrow(/closed/);
  });

  it('rejects a bad layout before touching the disk, and reports open failures', async () => {
    await expect(createWavFileWriter(join(dir, 'bad.wav'), { sampleRateHz: 8000, channels: 0 })).rejects.toBeInstanceOf(AppError);
    await expect(stat(join(dir, 'bad.wav'))).rejects.toThrow();
    await expect(createWavFileWriter(join(dir, 'missing', 'a.wav'), { sampleRateHz: 8000, channels: 1 })).rejects.toThrow(/ENOENT/);
  });

  it('keeps memory bounded by writing as it goes', async () => {
    const writer = await createWavFileWriter(join(dir, 'long.wav'), { sampleRateHz: 48000, channels: 1 });
    const frame = new Int16Array(960);
    let maxQueued = 0;
    for (let i = 0; i < 3000; i++) {
      writer.write(frame);
      maxQueued = Math.max(maxQueued, writer.queuedBytes);
      if (i % 50 === 0) await writer.drained();
    }
    await writer.close();
    expect(maxQueued).toBeLessThanOrEqual(50 * 1920);
    expect((await stat(join(dir, 'long.wav'))).size).toBe(44 + 3000 * 1920);
  });
});

describe('createWavFileWriter with headerUpdateBytes', () => {
  it('keeps the header sizes close behind the data while writing, so a crashed file declares its audio', async () => {
    const path = join(dir, 'periodic.wav');
    const writer = await createWavFileWriter(path, { sampleRateHz: 8000, channels: 2, headerUpdateBytes: 32_000 });
    const second = new Int16Array(16_000); // 1 s of stereo at 8 kHz = 32 000 bytes
    writer.write(second);
    await writer.drained();
    let bytes = await readFile(path);
    expect(bytes.readUInt32LE(40)).toBe(32_000);
    expect(bytes.readUInt32LE(4)).toBe(36 + 32_000);
    writer.write(new Int16Array(8000)); // half a second more: below the interval, not declared yet
    await writer.drained();
    bytes = await readFile(path);
    expect(bytes.readUInt32LE(40)).toBe(32_000);
    // A tool that trusts the declared size reads the first second; the file is a valid WAV as it is.
    expect(decodeWav(new Uint8Array(bytes)).samples.length).toBe(16_000);
    expect(writer.maxQueuedBytes).toBe(32_000);
    await writer.close();
    expect((await readFile(path)).readUInt32LE(40)).toBe(48_000);
  });
});
