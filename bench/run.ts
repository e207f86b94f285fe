/**
 * `npm run bench`: runs every benchmark in turn; each writes its JSON results to bench/results/.
 * docs/benchmarks.md summarises them. Run on an otherwise idle machine: the numbers are wall-clock.
 */
import { runAnalysisBench } from './analysis.ts';
import { runAudioBench } from './audio.ts';
import { runRecordingBench } from './recording.ts';
import { phoneOptionsFromArgs, runPhoneBench } from './phone.ts';
import { relayOptionsFromArgs, runRelayBench } from './relay.ts';

const benches: Record<string, () => Promise<unknown>> = {
  audio: () => runAudioBench(),
  // CPU time (process.cpuUsage), so it holds on a busy machine.
  analysis: () => runAnalysisBench(),
  // CPU time too: recording a 10-minute call per format (docs/recordings.md).
  recording: () => runRecordingBench(),
  // RELAY_BENCH_DATABASE_URL=postgres://… runs the relay against a scratch PostgreSQL database.
  relay: () => runRelayBench(relayOptionsFromArgs([])),
  // PHONE_BENCH_DATABASE_URL and PHONE_BENCH_WAIT_QUIET_S, as for the relay.
  phone: () => runPhoneBench(phoneOptionsFromArgs([])),
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stdout.write(`\n=== bench: ${name}\n`);
  await run();
}
