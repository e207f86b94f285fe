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
import { agentRoutes } from './agents/routes.ts';
import { authenticationPlugin, type Authenticator } from './authentication.ts';
import { callRoutes } from './calls/routes.ts';
import { envelopeOf, toAppError } from './error-envelope.ts';
import { healthRoutes } from './health/routes.ts';
import { fastifyTrustProxy, swaggerUiCsp } from './security/browser-security.ts';
import { securityPlugin, type HttpAbuseGuards } from './security/security-plugin.ts';

export interface HttpDeps {
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly calls: CallService;
  readonly authenticate: Authenticator;
  readonly bodyLimitBytes: number;
  readonly publicUrl: string;
  readonly version: string;
  /** Rate limits, concurrent-call cap, CORS, headers, JSON depth (`src/http/security/`). */
  readonly security: HttpAbuseGuards;
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

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.httpStatus >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
    else request.log.info({ code: appError.code }, 'request refused');
    return reply.code(appError.httpStatus).send(envelopeOf(appError, request.id));
  });

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
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', ...swaggerUiCsp });

  await app.register(healthRoutes, { pingDatabase: () => deps.database.ping(), databaseKind: deps.database.kind });

  await app.register(async (authenticated) => {
    await authenticated.register(authenticationPlugin, { authenticate: deps.authenticate });
    await authenticated.register(callRoutes, { prefix: '/v1/calls', calls: deps.calls });
    await authenticated.register(agentRoutes, { prefix: '/v1/agents', db: deps.database.db });
    await authenticated.register(aeroRoutes, { prefix: '/api/calls', calls: deps.calls, db: deps.database.db });
  });

  return app;
}
export type App = Awaited<ReturnType<typeof buildApp>>;
