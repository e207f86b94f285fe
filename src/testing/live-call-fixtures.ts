import { LiveCallRegistry, type LiveCallRegistryDeps } from '../live-calls.ts';
import type { Database } from '../store/database.ts';
import type { ManualClock } from './manual-clock.ts';
import type { ScriptedEngine } from './runtime-fakes/scripted-engine.ts';
import { silentLogger } from './runtime-fakes/test-logger.ts';

/** Waits (on real time: database writes take it) until `done`, for at most 10 s. */
export async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A live call registry on `db` and `clock` whose every call runs on `engine`, silent; `options` add the rest. */
export function scriptedRegistry(db: Database, clock: ManualClock, engine: ScriptedEngine, options: Partial<Omit<LiveCallRegistryDeps, 'db' | 'clock' | 'logger' | 'engines'>> = {}): LiveCallRegistry {
  return new LiveCallRegistry({ db, clock, logger: silentLogger(), engines: () => ({ engine }), ...options });
}
