import { AppError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { SessionScope } from '../../store/queries/aura-sessions.ts';

/** A user's reach over AURA sessions: members their own, tenant admins every user's of their tenant. */
export function sessionScope(principal: Principal): SessionScope {
  if (principal.kind !== 'user' || principal.userId === null) throw new AppError('forbidden', 'AURA sessions belong to users: use a user token');
  return { tenantId: principal.tenantId, userId: principal.role === 'admin' ? null : principal.userId };
}

export function sessionNotFound(): AppError {
  return new AppError('session_not_found', 'Session not found');
}
