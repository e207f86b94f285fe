import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/config.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import { developmentAuthenticator } from './http/authentication.ts';
import { buildApp, type App } from './http/build-app.ts';
import { createEngineLookup } from './engine-catalogue.ts';
import { LiveCallRegistry } from './live-calls.ts';
import { CallService } from './services/calls.ts';
import { ensureDevelopmentIdentity } from './services/development-identity.ts';
import { openDatabase, type DatabaseHandle, type DatabaseTarget } from './store/database.ts';
import type { Authenticate } from './transports/shared/call-connector.ts';
import { attachSocketIo } from './transports/socketio/attach-socket-io.ts';
import { attachWebSocket } from './transports/websocket/attach-websocket.ts';

export interface Application {
  readonly http: App;
  readonly database: DatabaseHandle;
  /** Calls running in this process. */
  readonly liveCalls: LiveCallRegistry;
  /** Stops accepting work and releases everything, in order: HTTP, then the database. Idempotent. */
  close(): Promise<void>;
}

export interface ApplicationOverrides {
  readonly clock?: Clock;
  /** Use an already open (and migrated) database instead of the configured one. */
  readonly database?: DatabaseHandle;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl === undefined
    ? { kind: 'pglite', dataDir: join(config.dataDir, 'pglite') }
    : { kind: 'postgres', url: config.databaseUrl };
}

/** The composition root: builds every adapter from the config and wires them together. */
export async function createApplication(config: Config, logger: Logger, overrides: ApplicationOverrides = {}): Promise<Application> {
  const clock = overrides.clock ?? systemClock;
  const database = overrides.database ?? (await openDatabase(databaseTarget(config)));
  try {
    if (!overrides.database) await database.migrate();
    const principal = await ensureDevelopmentIdentity(database.db);
    const liveCalls = new LiveCallRegistry({ db: database.db, clock, logger, engines: createEngineLookup(config) });
    const calls = new CallService({ db: database.db, clock, liveCalls });
    const http = await buildApp({
      logger,
      database,
      calls,
      authenticate: developmentAuthenticator(principal),
      bodyLimitBytes: config.http.bodyLimitBytes,
      publicUrl: config.http.publicUrl,
      version: readVersion(),
    });
    // Until credentials exist, realtime connections act as the development principal too.
    const authenticateRealtime: Authenticate = () => Promise.resolve(principal);
    const socketIo = attachSocketIo(http.server, { authenticate: authenticateRealtime, connector: liveCalls, logger, clock });
    const webSocket = attachWebSocket(http.server, { authenticate: authenticateRealtime, connector: liveCalls, logger, clock });
    let closing: Promise<void> | undefined;
    return {
      http,
      database,
      liveCalls,
      close() {
        closing ??= (async () => {
          await liveCalls.endAll('server_shutdown');
          await socketIo.close();
          await webSocket.close();
          await http.close();
          if (!overrides.database) await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    if (!overrides.database) await database.close();
    throw error;
  }
}
