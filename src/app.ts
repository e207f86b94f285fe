import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/config.ts';
import { resolveJwtSecret } from './config/secrets.ts';
import { createBackgroundJobs, type BackgroundJobs } from './background-jobs.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import { credentialAuthenticator } from './http/authentication.ts';
import { buildApp, type App } from './http/build-app.ts';
import { twilioUpgradeVerifier } from './http/twilio/upgrade-verifier.ts';
import { createAbuseGuards, type AbuseGuards } from './http/security/abuse-guards.ts';
import { socketIoOriginOptions } from './http/security/browser-security.ts';
import { limitCallStarts } from './http/security/call-start-limiter.ts';
import { createEngineLookup, implementedEngines } from './engine-catalogue.ts';
import { LiveCallRegistry } from './live-calls.ts';
import { createRecordings } from './recordings.ts';
import { createAura } from './services/aura/create-aura.ts';
import { callCoachingObserverFactory } from './services/aura/call-coaching-observer.ts';
import { CallControl } from './services/call-control/call-control.ts';
import { CallService } from './services/calls.ts';
import { Companies } from './services/companies/companies.ts';
import { handlehomeRecordsStep } from './jobs/handlehome/records-step.ts';
import { handlehomeServices } from './services/handlehome/services.ts';
import { handlehomeTools } from './services/handlehome/tools.ts';
import { ToolRegistry } from './services/tools/tool-registry.ts';
import { CompanyMembers } from './services/companies/members.ts';
import type { Mailer } from './services/mail/mailer.ts';
import { SmtpMailer } from './services/mail/smtp-mailer.ts';
import { PasswordResets } from './services/password-reset/password-resets.ts';
import { createIdentity, prepareIdentity, type Identity } from './services/auth/identity.ts';
import { realtimeAuthenticator } from './services/auth/realtime.ts';
import { openDatabase, type DatabaseHandle, type DatabaseTarget } from './store/database.ts';
import { WebhookEvents } from './services/webhooks/events.ts';
import { TranscriptUpdates } from './services/webhooks/transcript-updates.ts';
import { createTelephony } from './telephony.ts';
import { attachSocketIo, type CallServer } from './transports/socketio/attach-socket-io.ts';
import { attachTwilioMediaStream } from './transports/twilio/attach-twilio-media-stream.ts';
import { answerUnclaimedUpgrades } from './transports/shared/unclaimed-upgrades.ts';
import { attachWebSocket } from './transports/websocket/attach-websocket.ts';
import { attachAuraSessionSocket } from './http/aura/socket/attach-aura-session-socket.ts';
import { attachAuraTestSocket } from './http/aura/socket/attach-aura-test-socket.ts';

/** How long open HTTP connections may take to finish once the server is closing, before they are cut. */
export const HTTP_CLOSE_GRACE_MS = 3_000;

export interface Application {
  readonly http: App;
  readonly database: DatabaseHandle;
  /** Calls running in this process. */
  readonly liveCalls: LiveCallRegistry;
  /** Tokens, sessions, API keys, accounts and users. */
  readonly identity: Identity;
  /** The durable job queue's workers in this process, and the webhook event emitter. */
  readonly jobs: BackgroundJobs;
  /** The Socket.IO server of the realtime protocol (a cluster worker hands it to `@socket.io/sticky`). */
  readonly socketIo: CallServer;
  /** Stops accepting work and releases everything, in order: HTTP, then the database. Idempotent. */
  close(): Promise<void>;
}

export interface ApplicationOverrides {
  readonly clock?: Clock;
  /** Use an already open (and migrated) database instead of the configured one. */
  readonly database?: DatabaseHandle;
  /** Outgoing mail instead of the SMTP transport of `SMTP_URL` (tests record messages). */
  readonly mailer?: Mailer;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The identity services from the config; the JWT secret comes from the environment or, outside production, `DATA_DIR`. */
function identityOf(config: Config, database: DatabaseHandle, clock: Clock, logger: Logger): Identity {
  const secret = resolveJwtSecret(config);
  if (secret.source === 'generated') logger.info({ path: secret.path }, 'generated a development JWT secret (set JWT_SECRET in production)');
  return createIdentity(
    { db: database.db, clock },
    {
      jwtSecret: secret.value,
      accessTokenTtlMs: config.identity.accessTokenTtlMs,
      refreshTokenTtlMs: config.identity.refreshTokenTtlMs,
      externalJwt: config.identity.externalJwt,
    },
  );
}

/** The Lydia surface's services: companies, their users with names, password reset by mail. */
function lydiaOf(config: Config, database: DatabaseHandle, identity: Identity, clock: Clock, logger: Logger, mailer: Mailer | undefined) {
  const db = database.db;
  const resetPage = config.mail.passwordResetUrl;
  const passwordResets = new PasswordResets({
    db,
    clock,
    sessions: identity.sessions,
    mailer,
    resetLink: resetPage === undefined ? undefined : (token) => resetPage.replace('{token}', encodeURIComponent(token)),
    logger,
  });
  // Said once here; each forgot-password request is then refused (503 not_configured) without a log line of its own.
  if (!passwordResets.configured) logger.warn('password reset by email is off: set SMTP_URL and PASSWORD_RESET_URL to turn it on');
  return {
    companies: new Companies({ db, clock }),
    members: new CompanyMembers({ db, users: identity.users, accounts: identity.accounts, sessions: identity.sessions }),
    passwordResets,
  };
}

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl === undefined
    ? // Its own thread: PGlite runs statements synchronously, which must never hold up a live call's audio.
      { kind: 'pglite', dataDir: join(config.dataDir, 'pglite'), thread: 'worker' }
    : { kind: 'postgres', url: config.databaseUrl };
}

/** The composition root: builds every adapter from the config and wires them together. */
export async function createApplication(config: Config, logger: Logger, overrides: ApplicationOverrides = {}): Promise<Application> {
  const clock = overrides.clock ?? systemClock;
  const database = overrides.database ?? (await openDatabase(databaseTarget(config)));
  let guards: AbuseGuards | undefined;
  let callControl: CallControl | undefined;
  try {
    if (!overrides.database) await database.migrate();
    const identity = identityOf(config, database, clock, logger);
    await prepareIdentity(database.db, identity, logger, { signupEnabled: config.identity.signupEnabled });
    guards = await createAbuseGuards({ config: config.security, redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, db: database.db, clock, logger });
    const joinWindowMs = config.security.callJoinWindowS * 1000;
    const recordings = createRecordings({ config, db: database.db, clock, logger });
    // Tools agents may declare, run by their calls against the store (never over HTTP to ourselves).
    const tools = new ToolRegistry([...handlehomeTools({ db: database.db, clock })], logger.child({ component: 'tools' }));
    // One emitter for the live calls' per-turn `transcript.updated` and the jobs' events.
    const webhookEvents = new WebhookEvents({ clock, maxAttempts: config.webhooks.maxAttempts });
    const liveCalls = new LiveCallRegistry({
      db: database.db,
      clock,
      logger,
      engines: createEngineLookup(config),
      maxCallDurationS: config.security.maxCallDurationS,
      joinWindowMs,
      // Recording, and speech coaching of the caller when the agent enables it (docs/aura.md).
      audioObservers: [recordings.observers, callCoachingObserverFactory({ db: database.db, clock, logger })],
      tools,
      transcriptUpdates: new TranscriptUpdates({ db: database.db, clock, events: webhookEvents }),
    });
    // Ends a call whichever instance runs it, over LISTEN/NOTIFY on the shared database (docs/calls.md).
    const control = new CallControl({
      db: database.db,
      clock,
      logger: logger.child({ component: 'call-control' }),
      liveCalls,
      notifications: database,
      endWaitMs: config.callControl.endWaitMs,
      endAckMs: config.callControl.endAckMs,
    });
    callControl = control;
    await control.start();
    const calls = new CallService({ db: database.db, clock, callEnder: control, joinWindowMs, afterDelete: recordings.afterCallDeleted });
    // Analysed calls of agents whose plan names the `handlehome` sink become customers, call records and orders.
    const jobs = createBackgroundJobs({ config, db: database.db, clock, logger, calls, webhookEvents, handlers: [...recordings.handlers], onCallAnalyzed: [handlehomeRecordsStep] });
    const retention = recordings.scheduler(() => {
      jobs.pool.wake();
    });
    const openGuards = guards;
    const telephony = createTelephony({
      config,
      db: database.db,
      clock,
      logger,
      liveCalls,
      callEnder: control,
      countOpenCalls: (tenantId) => openGuards.countOpenCalls(tenantId),
    });
    const smtp = overrides.mailer === undefined && config.mail.smtpUrl !== undefined ? new SmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from }) : undefined;
    const mailer = overrides.mailer ?? smtp;
    const aura = createAura({ db: database.db, clock, logger, openai: config.openai });
    const http = await buildApp({
      logger,
      database,
      calls,
      identity: {
        authenticate: credentialAuthenticator(identity.authenticator),
        accounts: identity.accounts,
        sessions: identity.sessions,
        users: identity.users,
        apiKeys: identity.apiKeys,
        db: database.db,
        signupEnabled: config.identity.signupEnabled,
        operatorKey: config.identity.adminApiKey,
      },
      lydia: lydiaOf(config, database, identity, clock, logger, mailer),
      bodyLimitBytes: config.http.bodyLimitBytes,
      publicUrl: config.http.publicUrl,
      version: readVersion(),
      security: guards,
      twilio: telephony.http,
      ivr: telephony.ivr,
      jobs: jobs.http,
      recordings: recordings.service(calls),
      engines: implementedEngines,
      aura: { sessions: aura.sessions, coaching: aura.coaching, clock, pingDatabase: () => database.ping() },
      handlehome: handlehomeServices({ db: database.db, clock }),
    });
    // The same credentials as HTTP; a connection without them is refused before any audio flows.
    const authenticateRealtime = realtimeAuthenticator(identity.authenticator, logger);
    // Realtime start-calls count against the tenant's call limit before the registry runs them.
    const connector = limitCallStarts(liveCalls, guards.callStarts);
    const serverOptions = socketIoOriginOptions(config.security.corsOrigins, config.http.publicUrl);
    const socketIo = attachSocketIo(http.server, { authenticate: authenticateRealtime, connector, logger, clock, serverOptions });
    const webSocket = attachWebSocket(http.server, { authenticate: authenticateRealtime, connector, logger, clock });
    // AURA's live coaching socket, WS /ws/session/{id}: user credentials, the session checked at the upgrade.
    const auraSocket = attachAuraSessionSocket(http.server, { authenticate: authenticateRealtime, sessions: aura.sessions, coaching: aura.coaching, db: database.db, logger, clock });
    // AURA's integration echo, WS /ws/test: the same user credentials, checked at the upgrade.
    const auraTestSocket = attachAuraTestSocket(http.server, { authenticate: authenticateRealtime, logger, clock });
    // Twilio media streams: the upgrade proves itself with X-Twilio-Signature, the stream with its one-time token.
    const twilioMedia = attachTwilioMediaStream(http.server, {
      verifyUpgrade: twilioUpgradeVerifier({ ...telephony.http.webhooks, logger }),
      connector: telephony.connector,
      logger,
      clock,
    });
    // An upgrade none of them claims (a wrong path) is answered 404 at once instead of hanging.
    const stopUnclaimedUpgrades = answerUnclaimedUpgrades(http.server, [socketIo.claims, webSocket.claims, auraSocket.claims, auraTestSocket.claims, twilioMedia.claims]);
    jobs.pool.start();
    retention.start();
    let closing: Promise<void> | undefined;
    return {
      http,
      database,
      liveCalls,
      identity,
      jobs,
      socketIo: socketIo.io,
      close() {
        closing ??= (async () => {
          stopUnclaimedUpgrades();
          await liveCalls.endAll('server_shutdown');
          await socketIo.close();
          await webSocket.close();
          await auraSocket.close();
          await auraTestSocket.close();
          await twilioMedia.close();
          // Calls and sockets are closed: HTTP connections still open (a download in progress, a keep-alive
          // client that never read its last response) get a short grace, then are cut, so shutdown never hangs
          // and the database below is always closed cleanly.
          const cutConnections = setTimeout(() => {
            http.server.closeAllConnections();
          }, HTTP_CLOSE_GRACE_MS);
          await http.close();
          clearTimeout(cutConnections);
          await retention.stop();
          // Running jobs get JOB_SHUTDOWN_GRACE_MS to finish; the rest are given back to the queue.
          await jobs.pool.stop();
          // No more requests are served: stop answering other instances before the database goes.
          await control.stop();
          await openGuards.close();
          smtp?.close();
          if (!overrides.database) await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await callControl?.stop();
    await guards?.close();
    if (!overrides.database) await database.close();
    throw error;
  }
}
