import type { IncomingMessage } from 'node:http';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ServerOptions } from 'socket.io';
import type { TrustProxy } from '../../config/security.ts';

/** Request headers a browser on an allowed origin may send; response headers it may read. */
const allowedHeaders = ['authorization', 'content-type', 'x-api-key', 'x-request-id'];
const exposedHeaders = ['x-request-id', 'retry-after'];

/**
 * Security headers (helmet) and CORS. The API answers JSON only, so its CSP forbids everything
 * (`default-src 'none'`, no framing); the Swagger UI under /docs sets its own CSP on its routes
 * (see {@link swaggerUiCsp}). CORS answers only the configured origins; with none, browsers on
 * other origins cannot read any response. Credentials travel in headers, never cookies, so CORS
 * runs with `credentials: false`. Register it before the rate limits, so a 429 still carries
 * the CORS headers a browser needs to read it.
 */
export const browserSecurityPlugin = fp(
  async (app: FastifyInstance, options: { corsOrigins: readonly string[] }) => {
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
      },
    });
    await app.register(fastifyCors, {
      origin: options.corsOrigins.length === 0 ? false : [...options.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders,
      exposedHeaders,
      credentials: false,
      maxAge: 600,
    });
  },
  { name: 'switchboard-browser-security' },
);

/**
 * Options for `@fastify/swagger-ui`: its own CSP on the /docs routes (script and style hashes of
 * the page it serves), without `upgrade-insecure-requests`, which would break the page on a plain
 * http deployment.
 */
export const swaggerUiCsp = {
  staticCSP: true,
  transformStaticCSP: (header: string) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
} as const;

/**
 * Socket.IO server options for the same allow-list. `cors` covers the HTTP long-polling transport;
 * `allowRequest` also refuses a WebSocket upgrade whose `Origin` is neither allowed nor this
 * server's own (browsers send `Origin` on WebSockets but never enforce CORS on them). Clients that
 * send no `Origin` (servers, native apps) are not affected.
 */
export function socketIoOriginOptions(corsOrigins: readonly string[], publicUrl: string): Partial<ServerOptions> {
  const allowed = new Set([...corsOrigins, new URL(publicUrl).origin]);
  const allowRequest: ServerOptions['allowRequest'] = (request: IncomingMessage, callback) => {
    const origin = request.headers.origin;
    const host = request.headers.host;
    const sameHost = origin !== undefined && host !== undefined && URL.canParse(origin) && new URL(origin).host === host;
    if (origin === undefined || allowed.has(origin) || sameHost) callback(null, true);
    else callback('origin not allowed', false);
  };
  return corsOrigins.length === 0
    ? { allowRequest }
    : { allowRequest, cors: { origin: [...corsOrigins], methods: ['GET', 'POST'], allowedHeaders, credentials: false } };
}

/** `TRUST_PROXY` as Fastify's `trustProxy` option (a hop count becomes the function Fastify's types expect). */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return typeof trust === 'boolean' ? trust : [...trust];
}
