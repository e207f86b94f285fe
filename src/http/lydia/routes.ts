import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authenticationPlugin } from '../authentication.ts';
import { useCompatErrorBodies } from '../compat-errors.ts';
import { lydiaAuthAccountRoutes } from './account-routes.ts';
import { lydiaAuthPublicRoutes } from './auth-routes.ts';
import { lydiaCompanyRoutes } from './company-routes.ts';
import { lydiaCompanySectionRoutes } from './company-section-routes.ts';
import type { LydiaDeps } from './deps.ts';
import { lydiaOperatorRoutes } from './operator-routes.ts';
import { lydiaUserRoutes } from './user-routes.ts';

/**
 * The Lydia surface (docs/lydia.md), registered under `/api`: `/auth`, `/users`, `/companies`.
 * A company is a tenant. Every error body is our envelope plus `error`, set here once for all of it.
 */
export const lydiaRoutes: FastifyPluginAsyncZod<LydiaDeps> = async (app, options) => {
  // Only the dependencies: the options also carry this plugin's own prefix, which must not leak into its children.
  const deps: LydiaDeps = { identity: options.identity, companies: options.companies, members: options.members, passwordResets: options.passwordResets };
  useCompatErrorBodies(app, (_error, envelope) => ({ error: envelope.message }));
  await app.register(lydiaAuthPublicRoutes, { prefix: '/auth', ...deps });
  await app.register(lydiaOperatorRoutes, { prefix: '/companies', ...deps });
  await app.register(async (authenticated) => {
    await authenticated.register(authenticationPlugin, { authenticate: deps.identity.authenticate });
    await authenticated.register(lydiaAuthAccountRoutes, { prefix: '/auth', ...deps });
    await authenticated.register(lydiaUserRoutes, { prefix: '/users', ...deps });
    await authenticated.register(lydiaCompanyRoutes, { prefix: '/companies', ...deps });
    await authenticated.register(lydiaCompanySectionRoutes, { prefix: '/companies', ...deps });
  });
};
