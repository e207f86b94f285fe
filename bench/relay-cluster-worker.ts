/**
 * One server worker of the relay bench in cluster mode (`--workers N`; bench-cluster.ts forks it): the
 * server's application from the configuration in its environment (the relay bench's settings, the fake's
 * URL, the bench's PostgreSQL database and Redis), silent logs, served as a cluster worker exactly as
 * `npm start` does, answering the bench's window and memory requests (bench-cluster-ipc.ts).
 */
import { pino } from 'pino';
import { runClusterWorker } from '../src/cluster/cluster-worker.ts';
import { parseConfig } from '../src/config/config.ts';
import { serveBenchWorker } from './bench-cluster-ipc.ts';

serveBenchWorker(() => null);
await runClusterWorker(parseConfig(process.env), pino({ level: 'silent' }));
