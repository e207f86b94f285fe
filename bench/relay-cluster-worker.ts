/**
 * One server worker of the relay bench in cluster mode (`--workers N`; bench-cluster.ts forks it): the
 * server's application from the configuration in its environment (the relay bench's settings, the fake's
 * URL, the bench's PostgreSQL database and Redis), silent logs, with RELAY_BENCH_STAGES=1 the transport
 * stamped (relay-stages.ts), served as a cluster worker exactly as
 * `npm start` does, answering the bench's window and memory requests (bench-cluster-ipc.ts).
 * BENCH_WORKER_LOG=info (or debug) writes the workers' logs to stdout, to see why a call misbehaved.
 */
import { pino } from 'pino';
import { runClusterWorker } from '../src/cluster/cluster-worker.ts';
import { parseConfig } from '../src/config/config.ts';
import { serveBenchWorker } from './bench-cluster-ipc.ts';
import { RelayStages } from './relay-stages.ts';

const stamps = process.env.RELAY_BENCH_STAGES === '1' ? new RelayStages() : null;
stamps?.install();
serveBenchWorker((part) => (part === 'stages' ? (stamps?.export() ?? null) : null));
await runClusterWorker(parseConfig(process.env), pino({ level: process.env.BENCH_WORKER_LOG ?? 'silent' }));
