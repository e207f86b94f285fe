/**
 * One server worker of the phone bench in cluster mode (`--workers N`; bench-cluster.ts forks it): the
 * server's application from the configuration in its environment (PHONE_BENCH_ENV, the fake's URL, the
 * bench's PostgreSQL database and Redis), served as a cluster worker exactly as `npm start` does, with
 * its logs tapped (phone-server.ts) and, with PHONE_BENCH_STAGES=1, the bridge stamped (phone-stages.ts).
 *
 * Answers the bench's `collect` for `streams` (each finished stream's counters and the warnings, by
 * message) and `stages` (the stamps, in this process's clock).
 */
import { runClusterWorker } from '../src/cluster/cluster-worker.ts';
import { parseConfig } from '../src/config/config.ts';
import { serveBenchWorker } from './bench-cluster-ipc.ts';
import { ServerLogTap } from './phone-server.ts';
import { ServerStages } from './phone-stages.ts';

export interface PhoneWorkerStreams {
  readonly streams: [string, unknown][];
  readonly problems: [string, number][];
}

const tap = new ServerLogTap();
const stamps = process.env.PHONE_BENCH_STAGES === '1' ? new ServerStages() : null;
stamps?.install();
serveBenchWorker((part) => {
  if (part === 'stages') return stamps?.export() ?? null;
  return { streams: [...tap.streams], problems: [...tap.problems] } satisfies PhoneWorkerStreams;
});
await runClusterWorker(parseConfig(process.env), tap.logger);
// Start-up notices (no SMTP, signup open) are about the configuration, not the calls.
tap.problems.clear();
