/**
 * What a credential may do. Users get scopes from their role; API keys carry the scopes they were
 * created with.
 *
 * - `read`: read calls, transcripts, agents, users
 * - `write`: change agents and prompts, delete calls
 * - `calls`: create, join (realtime) and end calls
 * - `admin`: manage the tenant's users and API keys
 */
export const scopes = ['read', 'write', 'calls', 'admin'] as const;
export type Scope = (typeof scopes)[number];

export type Role = 'admin' | 'member';

/** Who is making a request, as established by authentication. Every query is scoped by `tenantId`. */
export interface Principal {
  readonly tenantId: string;
  /** The user a token belongs to; `null` for an API key, which acts for its tenant. */
  readonly userId: string | null;
  /** Tenant-wide reach (`admin`) or own resources only (`member`). API keys have `admin` reach, bounded by their scopes. */
  readonly role: Role;
  readonly kind: 'user' | 'api_key';
  readonly scopes: readonly Scope[];
  /** The API key's id when `kind` is `api_key` (rate limits count each key on its own). */
  readonly apiKeyId?: string;
}

const roleScopes: Readonly<Record<Role, readonly Scope[]>> = {
  admin: scopes,
  member: ['read', 'write', 'calls'],
};

export function scopesOfRole(role: Role): readonly Scope[] {
  return roleScopes[role];
}

/** The principal of a user's token: scopes follow from the role. */
export function userPrincipal(user: { readonly tenantId: string; readonly id: string; readonly role: Role }): Principal {
  return { tenantId: user.tenantId, userId: user.id, role: user.role, kind: 'user', scopes: scopesOfRole(user.role) };
}

/** The principal of an API key: acts for its tenant, with admin reach limited to its scopes. */
export function apiKeyPrincipal(key: { readonly tenantId: string; readonly scopes: readonly Scope[]; readonly id?: string }): Principal {
  const principal: Principal = { tenantId: key.tenantId, userId: null, role: 'admin', kind: 'api_key', scopes: key.scopes };
  return key.id === undefined ? principal : { ...principal, apiKeyId: key.id };
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes(scope);
}
