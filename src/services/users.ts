import { AppError } from '../core/errors.ts';
import { isUuid } from '../core/ids.ts';
import type { Principal, Role } from '../core/principal.ts';
import type { Database, Executor } from '../store/database.ts';
import { lockTenant } from '../store/queries/tenants.ts';
import { countAdmins, createUser, deleteUser, getUser, listUsers, updateUser } from '../store/queries/users.ts';
import type { UserRow } from '../store/schema/users.ts';
import { isUniqueViolation } from '../store/unique-violation.ts';
import { checkPasswordPolicy, normaliseEmail } from './auth/account-rules.ts';
import { assertEmailFree, generatePassword } from './auth/accounts.ts';
import { hashPassword } from './auth/passwords.ts';
import type { Sessions } from './auth/sessions.ts';

export interface NewUserParams {
  readonly email?: string | undefined;
  readonly externalId?: string | undefined;
  readonly displayName?: string | undefined;
  readonly role: Role;
  /** Only with an email. Omitted: a strong one is generated and returned once. */
  readonly password?: string | undefined;
}

/**
 * The tenant's users, for `/v1/users`. Route guards require the `admin` scope for listing and changes;
 * here a member may only read themselves, and no change may leave a tenant without an admin.
 */
export class UserDirectory {
  readonly #db: Database;
  readonly #sessions: Sessions;

  constructor(deps: { readonly db: Database; readonly sessions: Sessions }) {
    this.#db = deps.db;
    this.#sessions = deps.sessions;
  }

  async list(principal: Principal): Promise<UserRow[]> {
    return listUsers(this.#db, { tenantId: principal.tenantId });
  }

  /** A user of the tenant; a member naming anyone but themselves is refused without looking. */
  async get(principal: Principal, userId: string): Promise<UserRow> {
    if (principal.role !== 'admin' && userId !== principal.userId) throw new AppError('forbidden', 'Members may only read their own user');
    const user = isUuid(userId) ? await getUser(this.#db, { tenantId: principal.tenantId, userId }) : undefined;
    if (!user) throw new AppError('user_not_found', 'User not found');
    return user;
  }

  async create(principal: Principal, params: NewUserParams): Promise<{ user: UserRow; initialPassword: string | undefined }> {
    const email = params.email === undefined ? undefined : normaliseEmail(params.email);
    if (email === undefined && params.externalId === undefined) {
      throw new AppError('validation_failed', 'The request is invalid', { details: [{ path: 'body.email', message: 'email or externalId is required' }] });
    }
    let initialPassword: string | undefined;
    let passwordHash: string | null = null;
    if (email !== undefined) {
      if (params.password !== undefined) checkPasswordPolicy(params.password, email, 'body.password');
      else initialPassword = generatePassword();
      passwordHash = await hashPassword(params.password ?? initialPassword ?? '');
      await assertEmailFree(this.#db, principal.tenantId, email);
    } else if (params.password !== undefined) {
      throw new AppError('validation_failed', 'The request is invalid', { details: [{ path: 'body.password', message: 'needs an email to log in with' }] });
    }
    try {
      const user = await createUser(this.#db, {
        tenantId: principal.tenantId,
        role: params.role,
        email: email ?? null,
        externalId: params.externalId ?? null,
        displayName: params.displayName ?? null,
        passwordHash,
      });
      return { user, initialPassword };
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('email_taken', 'A user with this email or external id already exists');
      throw error;
    }
  }

  /** Changes role and/or display name. A role change also ends the user's sessions (their tokens carry the old role). */
  async update(principal: Principal, userId: string, changes: { role?: Role | undefined; displayName?: string | null | undefined }): Promise<UserRow> {
    return this.#db.transaction(async (tx) => {
      const user = await this.#lockedUser(tx, principal, userId);
      const demoting = changes.role === 'member' && user.role === 'admin';
      if (demoting) await this.#keepAnAdmin(tx, principal.tenantId);
      const roleChanges = changes.role !== undefined && changes.role !== user.role;
      const updated = await updateUser(tx, {
        tenantId: principal.tenantId,
        userId,
        changes: {
          ...(changes.role === undefined ? {} : { role: changes.role }),
          ...(changes.displayName === undefined ? {} : { displayName: changes.displayName }),
          bumpSessionVersion: roleChanges,
        },
      });
      if (!updated) throw new AppError('user_not_found', 'User not found');
      if (roleChanges) await this.#sessions.revokeAll(updated, tx);
      return updated;
    });
  }

  /** Deletes the user (their calls stay, unowned; their own agents and sessions go). */
  async delete(principal: Principal, userId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const user = await this.#lockedUser(tx, principal, userId);
      if (user.role === 'admin') await this.#keepAnAdmin(tx, principal.tenantId);
      await deleteUser(tx, { tenantId: principal.tenantId, userId });
    });
  }

  /** Loads the user with the tenant row locked, so concurrent demotions cannot both pass the last-admin check. */
  async #lockedUser(tx: Executor, principal: Principal, userId: string): Promise<UserRow> {
    await lockTenant(tx, { tenantId: principal.tenantId });
    const user = isUuid(userId) ? await getUser(tx, { tenantId: principal.tenantId, userId }) : undefined;
    if (!user) throw new AppError('user_not_found', 'User not found');
    return user;
  }

  async #keepAnAdmin(tx: Executor, tenantId: string): Promise<void> {
    if ((await countAdmins(tx, { tenantId })) <= 1) throw new AppError('last_admin', 'A tenant keeps at least one admin');
  }
}
