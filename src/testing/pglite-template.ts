import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder, openDatabase } from '../store/database.ts';

/**
 * PGlite's initdb costs several seconds; a migrated image of an empty database loads in about one.
 * The image is cached under node_modules/.cache, keyed by the migrations and the PGlite version, so
 * it is rebuilt only when either changes.
 */
function templateKey(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    const path = join(migrationsFolder, name);
    if (name.endsWith('.sql') || name.endsWith('.json')) hash.update(name).update(readFileSync(path));
  }
  const pglite = JSON.parse(readFileSync(join('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  return hash.update(pglite.version).digest('hex').slice(0, 16);
}

export async function ensurePgliteTemplate(): Promise<string> {
  const dir = join('node_modules', '.cache', 'switchboard');
  const file = join(dir, `pglite-template-${templateKey()}.tar`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const handle = await openDatabase({ kind: 'pglite-memory' });
  try {
    await handle.migrate();
    if (!handle.dump) throw new Error('PGlite handle cannot dump');
    const image = Buffer.from(await (await handle.dump()).arrayBuffer());
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, image);
    renameSync(temporary, file);
  } finally {
    await handle.close();
  }
  return file;
}
