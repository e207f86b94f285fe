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

/**
 * The latency target's configuration (docs/benchmarks.md, "Session 5"): 100 calls, the server in cluster
 * mode (WORKERS=2 by default), its own added latency stamped (`--stages`), the simulators under SCHED_IDLE
 * so they take no core from it. Needs CLUSTER_BENCH_DATABASE_URL and CLUSTER_BENCH_REDIS_URL (cluster
 * mode shares PostgreSQL and Redis); skipped without them. CLUSTER_BENCH_WORKERS changes the worker count.
 */
function clusterArgs(bench: 'relay' | 'phone'): string[] | null {
  const databaseUrl = process.env.CLUSTER_BENCH_DATABASE_URL;
  const redisUrl = process.env.CLUSTER_BENCH_REDIS_URL;
  if (databaseUrl === undefined || databaseUrl === '' || redisUrl === undefined || redisUrl === '') {
    process.stdout.write('skipped: set CLUSTER_BENCH_DATABASE_URL and CLUSTER_BENCH_REDIS_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres, redis://127.0.0.1:6379)\n');
    return null;
  }
  const workers = process.env.CLUSTER_BENCH_WORKERS ?? '2';
  return ['--levels', '100', '--stages', '--simulator-idle', '--workers', workers, '--database-url', databaseUrl, '--redis-url', redisUrl, '--output', `bench/results/${bench}-cluster.json`];
}

benches['relay-cluster'] = async () => {
  const args = clusterArgs('relay');
  if (args !== null) await runRelayBench(relayOptionsFromArgs(args));
};
benches['phone-cluster'] = async () => {
  const args = clusterArgs('phone');
  if (args !== null) await runPhoneBench(phoneOptionsFromArgs(args));
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stdout.write(`\n=== bench: ${name}\n`);
  await run();
}
