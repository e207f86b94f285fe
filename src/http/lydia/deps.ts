import type { Companies } from '../../services/companies/companies.ts';
import type { CompanyMembers } from '../../services/companies/members.ts';
import type { PasswordResets } from '../../services/password-reset/password-resets.ts';
import type { IdentityHttpDeps } from '../identity-deps.ts';

/** What the Lydia surface needs, built in the composition root. */
export interface LydiaDeps {
  readonly identity: IdentityHttpDeps;
  readonly companies: Companies;
  readonly members: CompanyMembers;
  readonly passwordResets: PasswordResets;
}
