import { AppError } from '../core/errors.ts';
import type { Principal } from '../core/principal.ts';
import type { Executor } from '../store/database.ts';
import { ensureExternalUser, findUserByRef, getUser } from '../store/queries/users.ts';
import type { UserRow } from '../store/schema/users.ts';

export interface ActingUserOptions {
  /**
   * When an admin names a user the tenant does not have yet, create it as a member identified by
   * that external id. This is how a tenant's backend starts calls for its own app's users.
   */
  readonly provision: boolean;
  /** Where the reference came from, for the error an API key gets when it names nobody (`body.userId`). */
  readonly refPath?: string;
}

/**
 * Resolves the user a request acts for. No reference means the principal itself. A member may only
 * name themselves; an admin may name any user of the tenant. An API key has no user of its own, so
 * it must name one. Returns `undefined` only for an admin or key naming an unknown user without
 * provisioning.
 */
export async function resolveActingUser(
  db: Executor,
  principal: Principal,
  ref: string | undefined,
  options: ActingUserOptions,
): Promise<UserRow | undefined> {
  if (principal.userId === null) {
    if (ref === undefined) {
      throw new AppError('validation_failed', 'The request is invalid', {
        details: [{ path: options.refPath ?? 'body.userId', message: 'is required when authenticating with an API key' }],
      });
    }
    return findOrProvision(db, principal.tenantId, ref, options);
  }
  const self = await getUser(db, { tenantId: principal.tenantId, userId: principal.userId });
  if (!self) throw new AppError('unauthenticated', 'The authenticated user no longer exists');
  if (ref === undefined || ref === self.id || (self.externalId !== null && ref === self.externalId)) return self;
  if (principal.role !== 'admin') {
    throw new AppError('forbidden', 'You may only act for your own user');
  }
  return findOrProvision(db, principal.tenantId, ref, options);
}

async function findOrProvision(db: Executor, tenantId: string, ref: string, options: ActingUserOptions): Promise<UserRow | undefined> {
  const found = await findUserByRef(db, { tenantId, ref });
  if (found) return found;
  if (!options.provision) return undefined;
  return ensureExternalUser(db, { tenantId, externalId: ref });
}
