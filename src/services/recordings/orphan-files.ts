/**
 * Recording files whose row is gone: the call or the whole tenant was deleted (rows cascade, files do
 * not). Deleted when older than `minAgeMs`, so a file created a moment before its row is never touched.
 * Empty tenant folders are removed too.
 */
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isUuid } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { callsWithRecordings } from '../../store/queries/recordings.ts';

const WAV = /^([0-9a-f-]{36})\.wav$/u;

/** Deletes orphaned recording files under `root`; returns how many. */
export async function deleteOrphanRecordingFiles(db: Database, root: string, params: { nowMs: number; minAgeMs: number }): Promise<number> {
  const tenants = await readdir(root).catch(() => [] as string[]);
  let deleted = 0;
  for (const tenantId of tenants) {
    if (!isUuid(tenantId)) continue;
    const dir = join(root, tenantId);
    const files = await readdir(dir).catch(() => [] as string[]);
    const callIds = files.flatMap((name) => {
      const callId = WAV.exec(name)?.[1];
      return callId !== undefined && isUuid(callId) ? [callId] : [];
    });
    const known = await callsWithRecordings(db, { tenantId, callIds });
    for (const callId of callIds) {
      if (known.has(callId)) continue;
      const path = join(dir, `${callId}.wav`);
      const info = await stat(path).catch(() => null);
      if (info === null || params.nowMs - info.mtimeMs < params.minAgeMs) continue;
      await rm(path, { force: true });
      deleted += 1;
    }
    // Only succeeds when the folder is empty (the tenant has no recordings left).
    await rmdir(dir).catch(() => undefined);
  }
  return deleted;
}
