import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { CallService } from '../services/calls.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { aeroRoutes } from './aero/routes.ts';
import type { AuraHttpDeps } from './aura/deps.ts';
import { auraRoutes } from './aura/routes.ts';
import { agentRoutes } from './agents/routes.ts';
import { adminRoutes } from './admin/routes.ts';
import { apiKeyRoutes } from './api-keys/routes.ts';
import { authAccountRoutes } from './auth/account-routes.ts';
import { authPublicRoutes } from './auth/routes.ts';
import { authenticationPlugin } from './authentication.ts';
import { callRoutes } from './calls/routes.ts';
import { callCoachingRoutes } from './calls/coaching-routes.ts';
import { envelopeOf, sendError } from './error-envelope.ts';
import type { HandlehomeDeps } from './handlehome/deps.ts';
import { handlehomeRoutes } from './handlehome/routes.ts';
import { healthRoutes } from './health/routes.ts';
import type { RecordingService } from '../services/recordings/recordings.ts';
import type { JobsHttpDeps } from './jobs/deps.ts';
import { jobRoutes } from './jobs/routes.ts';
import { callAnalysisRoutes } from './calls/analysis-routes.ts';
import type { IdentityHttpDeps } from './identity-deps.ts';
import type { LydiaDeps } from './lydia/deps.ts';
import { lydiaRoutes } from './lydia/routes.ts';
import { recordRoute, type RouteEntry } from './route-table.ts';
import { fastifyTrustProxy, swaggerUiCsp } from './security/browser-security.ts';
import { securityPlugin, type HttpAbuseGuards } from './security/security-plugin.ts';
import type { TwilioHttpDeps } from './twilio/deps.ts';
import { outboundCallRoutes } from './twilio/outbound-routes.ts';
import { phoneNumberRoutes } from './twilio/phone-number-routes.ts';
import { twilioWebhookRoutes } from './twilio/webhook-routes.ts';
import type { IvrWebhooks } from './twilio-ivr/ivr-webhooks.ts';
import { twilioIvrRoutes } from './twilio-ivr/routes.ts';
import { lydiaPhoneNumberRoutes } from './twilio/lydia-phone-number-routes.ts';
import { recordingRoutes } from './recordings/routes.ts';
import { userRoutes } from './users/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export interface HttpDeps {
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly calls: CallService;
  /** Authentication, accounts, users, API keys and the operator key. */
  readonly identity: IdentityHttpDeps;
  /** Companies (tenant profiles), their users with names, password reset: the Lydia surface. */
  readonly lydia: Omit<LydiaDeps, 'identity'>;
  readonly bodyLimitBytes: number;
  readonly publicUrl: string;
  readonly version: string;
  /** Rate limits, concurrent-call cap, CORS, headers, JSON depth (`src/http/security/`). */
  readonly security: HttpAbuseGuards;
  /** Phone calls: Twilio's signed webhooks, phone numbers, outbound calls (`src/http/twilio/`). */
  readonly twilio: TwilioHttpDeps;
  /** The classic IVR's webhooks (`src/http/twilio-ivr/`, docs/ivr.md), signed like the other Twilio routes. */
  readonly ivr: IvrWebhooks;
  /** Post-call jobs and webhooks (`src/http/jobs/`, `src/http/webhooks/`). */
  readonly jobs: JobsHttpDeps;
  /** Call recordings: download, metadata, deletion (`src/http/recordings/`, docs/recordings.md). */
  readonly recordings: RecordingService;
  /** AURA sessions, audio analysis, coaching and progress (`src/http/aura/`, docs/aura.md). */
  readonly aura: AuraHttpDeps;
  /** The engines this server implements (`src/engine-catalogue.ts`): what an agent may name. */
  readonly engines: readonly string[];
  /** HandleHome's customers, call records, orders and booking rules (`src/http/handlehome/`, docs/handlehome.md). */
  readonly handlehome: HandlehomeDeps;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP application without listening, so tests drive it with `inject()`. */
export async function buildApp(deps: HttpDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Which proxies may set X-Forwarded-For (request.ip, hence per-IP limits); none unless TRUST_PROXY says.
    trustProxy: fastifyTrustProxy(deps.security.config.trustProxy),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    recordRoute(routeTable, route.method, route.url);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));

  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('route_not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`);
    return reply.code(404).send(envelopeOf(error, request.id));
  });

  await app.register(securityPlugin, { guards: deps.security });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchboard',
        description: 'Self-hostable server for real-time AI voice calls. Errors share one envelope: `{ code, message, requestId, details? }`.',
        version: deps.version,
      },
      servers: [{ url: deps.publicUrl }],
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'calls', description: 'Calls and their transcripts' },
        { name: 'agents', description: 'Voice agents' },
        { name: 'aero', description: 'Compatibility surface for Aero clients' },
        { name: 'auth', description: 'Signup, login, tokens and your account (docs/authentication.md)' },
        { name: 'users', description: 'The tenant’s users' },
        { name: 'api-keys', description: 'The tenant’s API keys' },
        { name: 'admin', description: 'Operator routes (ADMIN_API_KEY)' },
        { name: 'lydia', description: 'Compatibility surface for Lydia clients: /api/auth, /api/users, /api/companies (docs/lydia.md)' },
        { name: 'aura', description: 'Compatibility surface for AURA clients: /api/v1/auth, /api/v1/user, /api/v1/sessions, WS /ws/session/{id} (docs/aura.md)' },
        { name: 'handlehome', description: 'Compatibility surface for HandleHome clients: /api/calls, /api/clients, /api/orders, /api/search (docs/handlehome.md)' },
        { name: 'twilio', description: 'Twilio webhooks, signed with X-Twilio-Signature (docs/twilio.md)' },
        { name: 'jobs', description: 'Post-call jobs: status per call, retry (docs/jobs.md)' },
        { name: 'recordings', description: 'Call recordings: stereo WAV download, metadata, deletion (docs/recordings.md)' },
        { name: 'webhooks', description: 'Signed webhooks: endpoints, secrets, delivery log, redelivery (docs/webhooks.md)' },
        { name: 'phone-numbers', description: 'The tenant’s phone numbers and the agent each answers with' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An access token, an API key, or an external identity token' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', ...swaggerUiCsp });

  await app.register(healthRoutes, { pingDatabase: () => deps.database.ping(), databaseKind: deps.database.kind });

  await app.register(authPublicRoutes, { prefix: '/v1/auth', identity: deps.identity });
  await app.register(adminRoutes, { prefix: '/v1/admin', identity: deps.identity });
  // Seed surfaces: each an encapsulated context with its own authentication and error bodies.
  await app.register(lydiaRoutes, { prefix: '/api', identity: deps.identity, ...deps.lydia });
  await app.register(auraRoutes, { prefix: '/api/v1', identity: deps.identity, aura: deps.aura });
  await app.register(handlehomeRoutes, { prefix: '/api', authenticate: deps.identity.authenticate, ...deps.handlehome });
  // Twilio's webhooks: public, each request proven by its X-Twilio-Signature instead of a credential.
  await app.register(twilioWebhookRoutes, deps.twilio);
  await app.register(twilioIvrRoutes, { webhooks: deps.twilio.webhooks, ivr: deps.ivr });
  // Lydia's single company line, a view of the phone numbers (Lydia error bodies, own authentication context).
  await app.register(lydiaPhoneNumberRoutes, { prefix: '/api/companies', phoneNumbers: deps.twilio.phoneNumbers, authenticate: deps.identity.authenticate });

  await app.register(async (authenticated) => {
    await authenticated.register(authenticationPlugin, { authenticate: deps.identity.authenticate });
    await authenticated.register(authAccountRoutes, { prefix: '/v1/auth', identity: deps.identity });
    await authenticated.register(userRoutes, { prefix: '/v1/users', identity: deps.identity });
    await authenticated.register(apiKeyRoutes, { prefix: '/v1/api-keys', identity: deps.identity });
    await authenticated.register(callRoutes, { prefix: '/v1/calls', calls: deps.calls });
    await authenticated.register(callCoachingRoutes, { prefix: '/v1/calls', calls: deps.calls, db: deps.database.db });
    await authenticated.register(jobRoutes, { prefix: '/v1', jobs: deps.jobs.jobs });
    await authenticated.register(recordingRoutes, { prefix: '/v1', recordings: deps.recordings });
    await authenticated.register(callAnalysisRoutes, { prefix: '/v1', analyses: deps.jobs.analyses });
    await authenticated.register(webhookRoutes, { prefix: '/v1/webhooks', webhooks: deps.jobs.webhooks, clock: deps.jobs.clock, wake: deps.jobs.wake });
    await authenticated.register(agentRoutes, { prefix: '/v1/agents', db: deps.database.db, engines: deps.engines });
    await authenticated.register(aeroRoutes, { prefix: '/api/calls', calls: deps.calls, db: deps.database.db });
    await authenticated.register(outboundCallRoutes, { prefix: '/api/calls', outbound: deps.twilio.outbound });
    await authenticated.register(phoneNumberRoutes, { prefix: '/v1/phone-numbers', phoneNumbers: deps.twilio.phoneNumbers });
  });

  return app;
}
export type App = Awaited<ReturnType<typeof buildApp>>;
