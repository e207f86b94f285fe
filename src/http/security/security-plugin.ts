import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AbuseGuards } from './abuse-guards.ts';
import { browserSecurityPlugin } from './browser-security.ts';
import { jsonDepthPlugin } from './json-depth.ts';
import { rateLimitPlugin } from './rate-limit-plugin.ts';

export type HttpAbuseGuards = Pick<AbuseGuards, 'config' | 'counter' | 'countOpenCalls'>;

/**
 * Everything that protects the HTTP surface, in the order it must run: security headers and CORS,
 * the JSON depth limit, then the rate limits and concurrent-call cap. Register it before any route.
 */
export const securityPlugin = fp(
  async (app: FastifyInstance, { guards }: { guards: HttpAbuseGuards }) => {
    const { config } = guards;
    await app.register(browserSecurityPlugin, { corsOrigins: config.corsOrigins });
    await app.register(jsonDepthPlugin, { maxDepth: config.jsonMaxDepth });
    await app.register(rateLimitPlugin, {
      counter: guards.counter,
      limits: config.rateLimits,
      maxConcurrentCallsPerTenant: config.maxConcurrentCallsPerTenant,
      maxConcurrentCallsPerMember: config.maxConcurrentCallsPerMember,
      countOpenCalls: (tenantId, userId) => guards.countOpenCalls(tenantId, userId),
    });
  },
  { name: 'switchboard-security' },
);
