import { databaseTarget } from './app.ts';
import { loadConfig } from './config/config.ts';
import { openDatabase } from './store/database.ts';

/** `npm run db:migrate`: applies pending migrations to the configured database and exits. */
const config = loadConfig();
const handle = await openDatabase(databaseTarget(config));
try {
  await handle.migrate();
  process.stdout.write(`migrations applied (${handle.kind})\n`);
} finally {
  await handle.close();
}
