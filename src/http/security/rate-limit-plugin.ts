import fastifyRateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { SecurityConfig } from '../../config/security.ts';
import { AppError } from '../../core/errors.ts';
import type { RateCounter } from './rate-counter.ts';
import { httpRateRules, type HttpRateRule, type RateRuleName } from './rate-limit-policies.ts';

export interface RateLimitPluginOptions {
  readonly counter: RateCounter;
  readonly limits: SecurityConfig['rateLimits'];
  readonly maxConcurrentCallsPerTenant: number;
  /** The same cap for the calls of one member; admins and API keys are bounded by the tenant's only. */
  readonly maxConcurrentCallsPerMember: number;
  /** Open calls of the tenant (or of one user), across every instance (from the database). */
  readonly countOpenCalls: (tenantId: string, userId?: string) => Promise<number>;
}

/**
 * `Retry-After` of a `concurrent_calls_exceeded`: a polling hint. A slot frees when a call ends, which
 * nobody can predict; an unjoined call frees its slot at the end of its join window at the latest.
 */
const CONCURRENT_RETRY_AFTER_S = 30;

type Check = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** @fastify/rate-limit's store interface over our counters, so HTTP and realtime limits share them (and Redis). */
function counterStore(counter: RateCounter): FastifyRateLimitStoreCtor {
  return class CounterStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      counter.hit(key, timeWindow).then(
        (hit) => {
          callback(null, { current: hit.count, ttl: hit.resetInMs });
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

/**
 * Builds one check per rule with @fastify/rate-limit's `createRateLimit`. The plugin is registered in
 * a context of its own with `global: false`, so it never hooks a route by itself: several limits
 * apply to one request (per IP, per credential, per login), which its per-route hook cannot do.
 */
async function buildChecks(app: FastifyInstance, counter: RateCounter, rules: readonly HttpRateRule[]): Promise<Map<RateRuleName, Check>> {
  const checks = new Map<RateRuleName, Check>();
  await app.register(async (isolated) => {
    await isolated.register(fastifyRateLimit, { global: false, store: counterStore(counter) });
    for (const rule of rules) {
      const limiter = isolated.createRateLimit({
        max: rule.max,
        timeWindow: rule.windowMs,
        keyGenerator: (request) => rule.key(request) ?? '',
        // An empty key means the rule does not apply to this request (no credential, no email).
        allowList: (_request, key) => key === '',
      });
      checks.set(rule.name, async (request, reply) => {
        const result = await limiter(request);
        if (result.isAllowed || !result.isExceeded) return;
        const retryAfterS = Math.max(1, result.ttlInSeconds);
        void reply.header('retry-after', String(retryAfterS));
        request.log.info({ limit: rule.name, max: rule.max }, 'rate limit exceeded');
        throw new AppError('rate_limited', `${rule.message}; retry in ${retryAfterS} s`);
      });
    }
  });
  return checks;
}

function checkOf(checks: ReadonlyMap<RateRuleName, Check>, name: RateRuleName): Check {
  const check = checks.get(name);
  if (check === undefined) throw new Error(`no rate-limit check named ${name}`);
  return check;
}

/**
 * Abuse limits on every route: requests per client IP (`onRequest`, before anything else runs) and
 * per authenticated credential (`preHandler`, once authentication has run); plus what a route asks
 * for in `config.limits` (login attempts, call creation, concurrent calls). Refusals are
 * `rate_limited` / `concurrent_calls_exceeded` (429) in the error envelope, with `Retry-After`.
 * Register it before any route.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: RateLimitPluginOptions) => {
    const rules = httpRateRules(options.limits);
    const checks = await buildChecks(app, options.counter, Object.values(rules));
    const refuse = (reply: FastifyReply, message: string): never => {
      void reply.header('retry-after', String(CONCURRENT_RETRY_AFTER_S));
      throw new AppError('concurrent_calls_exceeded', message);
    };
    const concurrentCalls: Check = async (request, reply) => {
      const principal = request.principal;
      if (principal === null) return;
      const open = await options.countOpenCalls(principal.tenantId);
      if (open >= options.maxConcurrentCallsPerTenant) {
        request.log.info({ open, max: options.maxConcurrentCallsPerTenant }, 'concurrent call cap reached');
        refuse(reply, `This tenant already has ${open} calls in progress, the most allowed (${options.maxConcurrentCallsPerTenant}); end one and retry`);
      }
      // A member acts for themselves: their own calls count against a cap of their own, so one member cannot take every slot.
      if (principal.kind !== 'user' || principal.role !== 'member' || principal.userId === null) return;
      const own = await options.countOpenCalls(principal.tenantId, principal.userId);
      if (own < options.maxConcurrentCallsPerMember) return;
      request.log.info({ open: own, max: options.maxConcurrentCallsPerMember }, 'per-member concurrent call cap reached');
      refuse(reply, `You already have ${own} calls in progress, the most allowed for a member (${options.maxConcurrentCallsPerMember}); end one and retry`);
    };

    app.addHook('onRequest', checkOf(checks, 'ip'));
    app.addHook('preHandler', checkOf(checks, 'credential'));
    app.addHook('onRoute', (route) => {
      if (route.config?.rateLimit !== undefined) {
        throw new Error(`${route.method.toString()} ${route.url}: use config.limits (src/http/security/rate-limit-policies.ts), not config.rateLimit`);
      }
      const limits = route.config?.limits;
      if (limits === undefined) return;
      const added: Check[] = limits.rateRules.map((name) => checkOf(checks, name));
      if (limits.concurrentCalls === true) added.push(concurrentCalls);
      const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
      route.preHandler = [...existing, ...(added as preHandlerHookHandler[])];
    });
  },
  { name: 'switchboard-rate-limits' },
);
