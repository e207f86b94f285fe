import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../core/errors.ts';
import type { Principal } from '../core/principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook of the encapsulated context the route lives in. */
    principal: Principal | null;
  }
}

/** Establishes who sent a request, or throws an `AppError` of category `auth`. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal>;

/**
 * Until real credentials exist every request acts as one development principal. The routes are
 * already written against `Principal`, so replacing this function is all the identity work needs.
 */
export function developmentAuthenticator(principal: Principal): Authenticator {
  return () => Promise.resolve(principal);
}

/**
 * Registers the authentication hook on the context it is registered in (and only there: routes
 * registered outside stay public). Lifted with fastify-plugin so the hook applies to sibling routes.
 */
export const authenticationPlugin = fp(
  (app: FastifyInstance, options: { authenticate: Authenticator }, done: (err?: Error) => void) => {
    app.addHook('onRequest', async (request) => {
      request.principal = await options.authenticate(request);
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
