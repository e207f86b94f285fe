/**
 * Phone calls over Twilio, composed: the signature verifier, the services behind the webhooks and
 * `/api/calls/outbound`, and the media-stream connector that admits a stream (one-time token, same
 * `CallSid`) and runs its call through the live-call registry. Part of the composition root.
 */
import type { Config } from './config/config.ts';
import { isLoopbackUrl } from './config/twilio.ts';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import type { Principal } from './core/principal.ts';
import type { TwilioHttpDeps } from './http/twilio/deps.ts';
import type { IvrWebhooks } from './http/twilio-ivr/ivr-webhooks.ts';
import { createIvr } from './ivr.ts';
import type { LiveCallRegistry } from './live-calls.ts';
import type { CallEnder } from './services/call-control/call-control.ts';
import { InboundCalls } from './services/telephony/inbound-calls.ts';
import { OutboundCalls } from './services/telephony/outbound-calls.ts';
import { PhoneNumbers } from './services/telephony/phone-numbers.ts';
import { StatusCallbacks } from './services/telephony/status-callbacks.ts';
import { StreamAdmission, type AdmittedStream } from './services/telephony/stream-admission.ts';
import { mediaStreamUrl } from './services/telephony/twiml.ts';
import { TwilioRestClient } from './services/telephony/twilio-rest.ts';
import { TwilioSignatureVerifier } from './services/telephony/twilio-signature.ts';
import type { Database } from './store/database.ts';
import type { TwilioCallConnector } from './transports/twilio/twilio-connector.ts';

export interface TelephonyDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly liveCalls: LiveCallRegistry;
  /** Ends a call whichever instance runs it (status callbacks). */
  readonly callEnder: CallEnder;
  /** The tenant's open calls, as the concurrent-call cap counts them. */
  readonly countOpenCalls: (tenantId: string) => Promise<number>;
}

export interface Telephony {
  readonly verifier: TwilioSignatureVerifier;
  readonly http: TwilioHttpDeps;
  readonly connector: TwilioCallConnector;
  /** The classic IVR (`/twilio/ivr/*`), which `/twilio/voice` hands `ivr`-mode numbers to. */
  readonly ivr: IvrWebhooks;
}

/** Says at start-up what Twilio will do with this configuration; loudly when webhooks are not verified. */
export function reportTwilio(config: Config, logger: Logger): void {
  const { authToken, accountSid } = config.twilio;
  if (authToken === undefined && config.nodeEnv === 'production') {
    logger.error('TWILIO_AUTH_TOKEN is not set: every Twilio webhook and media stream is refused (503/403) until it is');
  } else if (authToken === undefined) {
    logger.warn('TWILIO_AUTH_TOKEN is not set: Twilio webhooks and media streams are accepted WITHOUT signature checks (development only; production refuses them)');
  } else if (isLoopbackUrl(config.http.publicUrl)) {
    // Signatures cover the URL Twilio requested, rebuilt from PUBLIC_URL: a localhost one never matches.
    logger.warn(
      { publicUrl: config.http.publicUrl },
      'TWILIO_AUTH_TOKEN is set but PUBLIC_URL is a localhost address: every Twilio webhook and media stream will fail its signature check (403); set PUBLIC_URL to the https address Twilio calls',
    );
  }
  if (accountSid === undefined) logger.info('TWILIO_ACCOUNT_SID is not set: outbound phone calls answer 503 not_configured');
}

export function createTelephony(deps: TelephonyDeps): Telephony {
  const { config, db, clock, logger, liveCalls } = deps;
  reportTwilio(config, logger);
  const publicUrl = config.http.publicUrl;
  const verifier = new TwilioSignatureVerifier({ authToken: config.twilio.authToken, publicUrl, refuseWhenUnconfigured: config.nodeEnv === 'production' });
  const { accountSid, authToken, apiBaseUrl } = config.twilio;
  const api = accountSid !== undefined && authToken !== undefined ? new TwilioRestClient({ baseUrl: apiBaseUrl, accountSid, authToken }) : undefined;
  const streamUrl = mediaStreamUrl(publicUrl);
  const telephonyLogger = logger.child({ component: 'telephony' });
  const outbound = new OutboundCalls({
    db,
    clock,
    logger: telephonyLogger,
    api,
    streamUrl,
    statusCallbackUrl: `${publicUrl}/twilio/status`,
    maxCallDurationS: config.security.maxCallDurationS,
    engineUnavailable: (engine) => liveCalls.engineUnavailable(engine),
  });
  const ivr = createIvr({ config, db, clock, logger, countOpenCalls: deps.countOpenCalls });
  const http: TwilioHttpDeps = {
    webhooks: { verifier, trustProxy: config.security.trustProxy },
    inbound: new InboundCalls({
      db,
      clock,
      logger: telephonyLogger,
      concurrency: { countOpenCalls: deps.countOpenCalls, max: config.security.maxConcurrentCallsPerTenant },
      engineUnavailable: (engine) => liveCalls.engineUnavailable(engine),
    }),
    statusCallbacks: new StatusCallbacks({ db, clock, logger: telephonyLogger, callEnder: deps.callEnder }),
    outbound,
    phoneNumbers: new PhoneNumbers({ db, clock }),
    streamUrl,
    ivr: ivr.answerIncoming,
  };
  const connector = twilioConnector({ admission: new StreamAdmission({ db, clock }), liveCalls, outbound, logger: telephonyLogger });
  return { verifier, http, connector, ivr };
}

/**
 * Admits a Twilio media stream and runs its call: the stream's token is used up, then the live-call
 * registry starts a call session over the stream's transport (μ-law both ways, so the OpenAI engine
 * negotiates `audio/pcmu` and nothing is converted). When our side ends an outbound call (agent,
 * duration limit, API, shutdown, a dead stream), it is also hung up through the REST API.
 */
function twilioConnector(deps: { admission: StreamAdmission; liveCalls: LiveCallRegistry; outbound: OutboundCalls; logger: Logger }): TwilioCallConnector {
  const { admission, liveCalls, outbound, logger } = deps;
  return {
    async startTwilioCall({ callId, streamToken, callSid, transport }) {
      const admitted = await admission.admit({ callId, streamToken, callSid });
      if (!admitted.ok) {
        logger.warn({ code: admitted.code }, 'twilio media stream refused');
        return admitted;
      }
      const { stream } = admitted;
      // The stream proved itself with its token; it acts for the call's tenant and may only join this call.
      const identity: Principal = { tenantId: stream.tenantId, userId: null, role: 'admin', kind: 'api_key', scopes: ['calls'] };
      const started = await liveCalls.startCall({ callId, identity, transport, carrier: 'twilio' });
      if (!started.ok) {
        logger.warn({ tenantId: stream.tenantId, callId, code: started.code }, 'twilio call could not start');
        if (started.code === 'engine_not_configured') await admission.fail(stream, 'engine_not_configured');
        return started;
      }
      if (stream.direction === 'outbound') hangUpWhenWeEnd(stream, liveCalls, outbound, logger);
      return started;
    },
  };
}

/**
 * End reasons that mean Twilio has ended the phone call already: its `stop` on the stream, or a final
 * status callback. A dropped or silent stream (`twilio_disconnected`, `twilio_stream_timeout`) does not:
 * the phone call may still be up, so it is hung up too.
 */
const TWILIO_ENDED_IT: ReadonlySet<string> = new Set(['twilio_stop', 'twilio_completed', 'twilio_busy', 'twilio_no_answer', 'twilio_failed', 'twilio_canceled']);

function hangUpWhenWeEnd(stream: AdmittedStream, liveCalls: LiveCallRegistry, outbound: OutboundCalls, logger: Logger): void {
  const ended = liveCalls.ended(stream.callId);
  if (ended === undefined) return;
  ended
    .then(async ({ reason }) => {
      if (TWILIO_ENDED_IT.has(reason)) return;
      await outbound.hangUp({ tenantId: stream.tenantId, callId: stream.callId, callSid: stream.callSid, reason });
    })
    .catch((error: unknown) => {
      logger.error({ err: error, callId: stream.callId }, 'twilio hang-up after the call ended failed');
    });
}
