import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/config.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import { developmentAuthenticator } from './http/authentication.ts';
import { buildApp, type App } from './http/build-app.ts';
import { createAbuseGuards, type AbuseGuards } from './http/security/abuse-guards.ts';
import { socketIoOriginOptions } from './http/security/browser-security.ts';
import { limitCallStarts } from './http/security/call-start-limiter.ts';
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
  let guards: AbuseGuards | undefined;
  try {
    if (!overrides.database) await database.migrate();
    const principal = await ensureDevelopmentIdentity(database.db);
    guards = await createAbuseGuards({ config: config.security, redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, db: database.db, clock, logger });
    const liveCalls = new LiveCallRegistry({ db: database.db, clock, logger, engines: createEngineLookup(config), maxCallDurationS: config.security.maxCallDurationS });
    const calls = new CallService({ db: database.db, clock, liveCalls });
    const http = await buildApp({
      logger,
      database,
      calls,
      authenticate: developmentAuthenticator(principal),
      bodyLimitBytes: config.http.bodyLimitBytes,
      publicUrl: config.http.publicUrl,
      version: readVersion(),
      security: guards,
    });
    // Until credentials exist, realtime connections act as the development principal too.
    const authenticateRealtime: Authenticate = () => Promise.resolve(principal);
    // Realtime start-calls count against the tenant's call limit before the registry runs them.
    const connector = limitCallStarts(liveCalls, guards.callStarts);
    const serverOptions = socketIoOriginOptions(config.security.corsOrigins, config.http.publicUrl);
    const socketIo = attachSocketIo(http.server, { authenticate: authenticateRealtime, connector, logger, clock, serverOptions });
    const webSocket = attachWebSocket(http.server, { authenticate: authenticateRealtime, connector, logger, clock });
    const openGuards = guards;
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
          await openGuards.close();
          if (!overrides.database) await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await guards?.close();
    if (!overrides.database) await database.close();
    throw error;
  }
}
