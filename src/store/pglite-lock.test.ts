import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUseError, lockPgliteDir } from './pglite-lock.ts';

const root = mkdtempSync(join(tmpdir(), 'switchboard-lock-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the embedded database lock', () => {
  it('lets one holder at a time in, and the next one in after release', () => {
    const dir = join(root, 'a');
    const release = lockPgliteDir(dir);
    expect(existsSync(`${dir}.lock`)).toBe(true);
    expect(() => lockPgliteDir(dir)).toThrow(DatabaseInUseError);
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    lockPgliteDir(dir)();
  });

  it('refuses while another live process holds it, naming the process, and takes over a dead one’s', () => {
    const dir = join(root, 'b');
    writeFileSync(`${dir}.lock`, `${process.ppid}\n`);
    expect(() => lockPgliteDir(dir)).toThrow(new RegExp(`in use by process ${process.ppid} \\(is the server running\\?\\)`));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${dir}.lock`, `${dead.stdout}\n`);
    lockPgliteDir(dir)();
  });
});
