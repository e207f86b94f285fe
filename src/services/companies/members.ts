import { AppError } from '../../core/errors.ts';
import { hasScope, type Principal, type Role } from '../../core/principal.ts';
import type { Database, Executor } from '../../store/database.ts';
import { updateUser } from '../../store/queries/users.ts';
import { getUserName, listUserNames, upsertUserName } from '../../store/queries/user-names.ts';
import type { TenantRow } from '../../store/schema/tenants.ts';
import type { UserRow } from '../../store/schema/users.ts';
import type { Accounts } from '../auth/accounts.ts';
import { createTenantWithAdmin } from '../auth/accounts.ts';
import type { Sessions, TokenPair } from '../auth/sessions.ts';
import type { UserDirectory } from '../users.ts';

/** A user with a first and a last name (Lydia's user). */
export interface Member {
  readonly user: UserRow;
  readonly firstName: string;
  readonly lastName: string;
}

/**
 * Names of a user who never gave them apart (created through `/v1`): the first word of the display
 * name and the rest, or the local part of the email.
 */
export function splitDisplayName(user: Pick<UserRow, 'displayName' | 'email'>): { firstName: string; lastName: string } {
  const name = user.displayName?.trim();
  if (name) {
    const space = name.indexOf(' ');
    return space < 0 ? { firstName: name, lastName: '' } : { firstName: name.slice(0, space), lastName: name.slice(space + 1).trim() };
  }
  return { firstName: user.email?.split('@')[0] ?? '', lastName: '' };
}

const displayNameOf = (firstName: string, lastName: string) => `${firstName} ${lastName}`.trim();

/**
 * A company's users with first and last names, over the identity services: passwords, sessions and
 * the last-admin rule stay theirs. Members may read and rename only themselves.
 */
export class CompanyMembers {
  readonly #db: Database;
  readonly #users: UserDirectory;
  readonly #accounts: Accounts;
  readonly #sessions: Sessions;

  constructor(deps: { readonly db: Database; readonly users: UserDirectory; readonly accounts: Accounts; readonly sessions: Sessions }) {
    this.#db = deps.db;
    this.#users = deps.users;
    this.#accounts = deps.accounts;
    this.#sessions = deps.sessions;
  }

  /** Signup: a new company (tenant) with the registrant as its admin, names included, in one transaction. */
  async register(params: { email: string; password: string; firstName: string; lastName: string; companyName: string }): Promise<{ member: Member; tenant: TenantRow; tokens: TokenPair }> {
    const { tenant, user } = await this.#db.transaction(async (tx) => {
      const created = await createTenantWithAdmin(tx, {
        tenantName: params.companyName,
        email: params.email,
        password: params.password,
        displayName: displayNameOf(params.firstName, params.lastName),
      });
      await upsertUserName(tx, { tenantId: created.tenant.id, userId: created.user.id, firstName: params.firstName, lastName: params.lastName });
      return created;
    });
    return { member: { user, firstName: params.firstName, lastName: params.lastName }, tenant, tokens: await this.#sessions.start(user) };
  }

  async memberOf(user: UserRow, db: Executor = this.#db): Promise<Member> {
    const names = await getUserName(db, { tenantId: user.tenantId, userId: user.id });
    return { user, ...(names ? { firstName: names.firstName, lastName: names.lastName } : splitDisplayName(user)) };
  }

  async list(principal: Principal): Promise<Member[]> {
    const users = await this.#users.list(principal);
    const names = new Map((await listUserNames(this.#db, { tenantId: principal.tenantId, userIds: users.map((u) => u.id) })).map((n) => [n.userId, n]));
    return users.map((user) => {
      const n = names.get(user.id);
      return { user, ...(n ? { firstName: n.firstName, lastName: n.lastName } : splitDisplayName(user)) };
    });
  }

  async get(principal: Principal, userId: string): Promise<Member> {
    return this.memberOf(await this.#users.get(principal, userId));
  }

  async create(
    principal: Principal,
    params: { email: string; password?: string | undefined; firstName: string; lastName: string; role: Role },
  ): Promise<{ member: Member; initialPassword: string | undefined }> {
    const { user, initialPassword } = await this.#users.create(principal, {
      email: params.email,
      password: params.password,
      displayName: displayNameOf(params.firstName, params.lastName),
      role: params.role,
    });
    await upsertUserName(this.#db, { tenantId: user.tenantId, userId: user.id, firstName: params.firstName, lastName: params.lastName });
    return { member: { user, firstName: params.firstName, lastName: params.lastName }, initialPassword };
  }

  /**
   * Changes names and/or role. Admins may change anyone of the company; a member only their own
   * names. Role changes go through the user directory (last admin kept, sessions ended).
   */
  async update(principal: Principal, userId: string, changes: { firstName?: string | undefined; lastName?: string | undefined; role?: Role | undefined }): Promise<Member> {
    const isAdmin = hasScope(principal, 'admin');
    if (!isAdmin && (userId !== principal.userId || changes.role !== undefined)) {
      throw new AppError('forbidden', changes.role === undefined ? 'Members may only change their own names' : 'Only an admin can change a role');
    }
    let user = await this.#users.get(principal, userId);
    if (changes.role !== undefined) user = await this.#users.update(principal, userId, { role: changes.role });
    if (changes.firstName === undefined && changes.lastName === undefined) return this.memberOf(user);
    return this.#rename(user, changes);
  }

  async delete(principal: Principal, userId: string): Promise<void> {
    await this.#users.delete(principal, userId);
  }

  /** The caller's own profile: names and, with the current password, the email. */
  async updateProfile(principal: Principal, changes: { firstName?: string | undefined; lastName?: string | undefined; email?: string | undefined; currentPassword?: string | undefined }): Promise<Member> {
    const user = await this.#accounts.updateProfile(principal, { email: changes.email, currentPassword: changes.currentPassword });
    if (changes.firstName === undefined && changes.lastName === undefined) return this.memberOf(user);
    return this.#rename(user, changes);
  }

  async #rename(user: UserRow, changes: { firstName?: string | undefined; lastName?: string | undefined }): Promise<Member> {
    return this.#db.transaction(async (tx) => {
      const current = await this.memberOf(user, tx);
      const firstName = changes.firstName ?? current.firstName;
      const lastName = changes.lastName ?? current.lastName;
      await upsertUserName(tx, { tenantId: user.tenantId, userId: user.id, firstName, lastName });
      const updated = await updateUser(tx, { tenantId: user.tenantId, userId: user.id, changes: { displayName: displayNameOf(firstName, lastName) } });
      if (!updated) throw new AppError('user_not_found', 'User not found');
      return { user: updated, firstName, lastName };
    });
  }
}
