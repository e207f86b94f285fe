import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../core/errors.ts';
import { hasScope, type Principal, type Scope } from '../core/principal.ts';
import type { CredentialAuthenticator } from '../services/auth/authenticator.ts';
import { credentialFromHeaders } from '../services/auth/credentials.ts';

/**
 * What a route behind authentication requires, declared once in its `config.auth`:
 * `scope` the principal must hold; `user` when an API key cannot use it (the route is about "me").
 */
export interface RouteAuth {
  readonly scope: Scope;
  readonly user?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook of the encapsulated context the route lives in. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Required on every route of an authenticated context; see {@link RouteAuth}. */
    auth?: RouteAuth;
  }
}

/** Establishes who sent a request, or throws an `AppError` of category `auth`. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal>;

/** Authenticates the request's `x-api-key` or `Authorization: Bearer` credential. */
export function credentialAuthenticator(authenticator: CredentialAuthenticator): Authenticator {
  return async (request) => {
    const credential = credentialFromHeaders(request.headers);
    if (!credential) throw new AppError('unauthenticated', 'Authentication required: send "Authorization: Bearer <token>" or "x-api-key"');
    return authenticator.authenticate(credential);
  };
}

/** Throws `forbidden` unless the principal meets the route's declared requirement. */
export function authorize(principal: Principal, auth: RouteAuth): void {
  if (auth.user === true && principal.kind !== 'user') {
    throw new AppError('forbidden', 'This route needs a user token; an API key acts for its tenant, not for a user');
  }
  if (!hasScope(principal, auth.scope)) {
    throw new AppError('forbidden', principal.kind === 'api_key' ? `This API key lacks the "${auth.scope}" scope` : `This needs the "${auth.scope}" scope (role admin)`);
  }
}

/**
 * Registers authentication and authorization on the context it is registered in (and only there:
 * routes registered outside stay public). Every route of the context must declare `config.auth`:
 * one without it stops the app from building, so no route is reachable unguarded by accident.
 * Runs at `onRequest`, before the body is read: an anonymous caller learns nothing from validation.
 */
export const authenticationPlugin = fp(
  (app: FastifyInstance, options: { authenticate: Authenticator }, done: (err?: Error) => void) => {
    app.addHook('onRoute', (route) => {
      if (route.config?.auth === undefined) {
        throw new Error(`${String(route.method)} ${route.url} is behind authentication but declares no config.auth`);
      }
    });
    app.addHook('onRequest', async (request) => {
      const auth = request.routeOptions.config.auth;
      if (auth === undefined) throw new AppError('forbidden', 'This route declares no authorization');
      const principal = await options.authenticate(request);
      request.principal = principal;
      authorize(principal, auth);
    });
    done();
  },
  { name: 'authentication' },
);

/** The authenticated principal of a request; throws if the route was registered outside an authenticated context. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new AppError('unauthenticated', 'Authentication required');
  return request.principal;
}
