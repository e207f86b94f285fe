/** Test support: a Fastify app with the security plugin and a few routes standing for the real ones. */
import Fastify, { type FastifyInstance } from 'fastify';
import { parseConfig } from '../config/config.ts';
import type { SecurityConfig } from '../config/security.ts';
import { userPrincipal } from '../core/principal.ts';
import { ManualClock } from './manual-clock.ts';
import { envelopeOf, toAppError } from '../http/error-envelope.ts';
import { fastifyTrustProxy } from '../http/security/browser-security.ts';
import { MemoryRateCounter, type RateCounter } from '../http/security/rate-counter.ts';
import { callCreationRateLimit, loginRateLimit } from '../http/security/rate-limit-policies.ts';
import { securityPlugin } from '../http/security/security-plugin.ts';

export interface SecurityTestApp {
  readonly app: FastifyInstance;
  readonly config: SecurityConfig;
  readonly clock: ManualClock;
  /** Tenants whose open-call count the concurrent-call cap reads. */
  readonly openCalls: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Routes: `GET /ping` (public), `POST /login` (login limits), and, authenticated by the header
 * `x-test-user: <tenantId>/<userId>`, `GET /me` and `POST /calls` (call-creation limits).
 */
export async function startSecurityTestApp(options: { env?: Record<string, string>; counter?: RateCounter } = {}): Promise<SecurityTestApp> {
  const { security: config } = parseConfig({ ...options.env });
  const clock = new ManualClock();
  const openCalls = new Map<string, number>();
  const app = Fastify({ trustProxy: fastifyTrustProxy(config.trustProxy) });
  app.decorateRequest('principal', null);
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    return reply.code(appError.httpStatus).send(envelopeOf(appError, request.id));
  });
  await app.register(securityPlugin, {
    guards: { config, counter: options.counter ?? new MemoryRateCounter(clock), countOpenCalls: (tenantId) => Promise.resolve(openCalls.get(tenantId) ?? 0) },
  });
  app.get('/ping', () => ({ ok: true }));
  app.post('/login', { config: { limits: loginRateLimit } }, () => ({ ok: true }));
  await app.register((authenticated, _options, registered) => {
    authenticated.addHook('onRequest', (request, _reply, done) => {
      const [tenantId = '', userId = ''] = String(request.headers['x-test-user'] ?? '').split('/');
      request.principal = userPrincipal({ tenantId, id: userId, role: 'member' });
      done();
    });
    authenticated.get('/me', () => ({ ok: true }));
    authenticated.post('/calls', { config: { limits: callCreationRateLimit } }, () => ({ ok: true }));
    registered();
  });
  await app.ready();
  return { app, config, clock, openCalls, close: () => app.close() };
}
