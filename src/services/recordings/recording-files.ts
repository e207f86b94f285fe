/**
 * Where recordings live on disk and how a file left behind by a crash is made whole. Layout:
 * `<DATA_DIR>/recordings/<tenantId>/<callId>.wav`; the store keeps the path relative to the
 * recordings root, so the data directory can move.
 */
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { AudioFormat } from '../../audio/format.ts';
import { WAV_HEADER_BYTES, wavHeader } from '../../audio/wav.ts';
import { AppError } from '../../core/errors.ts';

/** Recordings are at most this rate: wideband speech; telephony stays at 8 kHz. */
export const MAX_RECORDING_RATE_HZ = 24_000;

/** The recording's one sample rate: the higher of the two legs, capped at {@link MAX_RECORDING_RATE_HZ}. */
export function recordingRateHz(caller: AudioFormat, agent: AudioFormat): number {
  return Math.min(MAX_RECORDING_RATE_HZ, Math.max(caller.sampleRateHz, agent.sampleRateHz));
}

/** The path of a call's recording relative to the recordings root. */
export function recordingRelativePath(tenantId: string, callId: string): string {
  return `${tenantId}/${callId}.wav`;
}

/** The absolute path of a stored relative path; refuses anything that would leave the root. */
export function recordingAbsolutePath(root: string, relativePath: string): string {
  const base = resolve(root);
  const path = resolve(base, relativePath);
  if (!path.startsWith(base + sep)) throw new AppError('internal_error', 'recording path leaves the recordings directory');
  return path;
}

/** Creates the tenant's folder (mode 0700: recordings are personal data). */
export async function ensureRecordingDir(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
}

/** Deletes a recording file; one already gone counts as deleted. */
export async function deleteRecordingFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** What a repaired file holds. */
export interface RepairedRecording {
  readonly bytes: number;
  readonly durationMs: number;
}

/**
 * Makes a stereo PCM16 recording whose writer never closed (the process died) a well-formed WAV:
 * drops a trailing partial frame and writes the RIFF and data sizes from what is on disk. Null when
 * the file is missing or shorter than its header.
 */
export async function repairRecordingFile(path: string, sampleRateHz: number, channels = 2): Promise<RepairedRecording | null> {
  const size = await stat(path).then(
    (s) => s.size,
    () => null,
  );
  if (size === null || size < WAV_HEADER_BYTES) return null;
  const frameBytes = 2 * channels;
  const dataBytes = Math.min(size - WAV_HEADER_BYTES, 0xffffffff - 36);
  const wholeBytes = dataBytes - (dataBytes % frameBytes);
  const handle = await open(path, 'r+');
  try {
    const header = wavHeader(sampleRateHz, channels, wholeBytes);
    await handle.write(header, 4, 4, 4);
    await handle.write(header, 40, 4, 40);
    if (wholeBytes !== size - WAV_HEADER_BYTES) await handle.truncate(WAV_HEADER_BYTES + wholeBytes);
  } finally {
    await handle.close();
  }
  return { bytes: WAV_HEADER_BYTES + wholeBytes, durationMs: Math.round((wholeBytes / frameBytes / sampleRateHz) * 1000) };
}

/** `<dataDir>/recordings`. */
export function recordingsRoot(dataDir: string): string {
  return join(dataDir, 'recordings');
}
