import { AppError } from '../../core/errors.ts';

export const passwordMinLength = 10;
export const passwordMaxLength = 128;

/** Emails are compared case-insensitively: stored and looked up trimmed and in lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Throws `validation_failed` naming `path` when the password breaks the policy: 10 to 128 characters,
 * not the account's email. Lengths are also in the HTTP schemas; this is the check every path shares.
 */
export function checkPasswordPolicy(password: string, email: string | null, path: string): void {
  const problem =
    password.length < passwordMinLength
      ? `must be at least ${passwordMinLength} characters`
      : password.length > passwordMaxLength
        ? `must be at most ${passwordMaxLength} characters`
        : email !== null && normaliseEmail(password) === normaliseEmail(email)
          ? 'must not be your email address'
          : undefined;
  if (problem !== undefined) {
    throw new AppError('validation_failed', 'The request is invalid', { details: [{ path, message: problem }] });
  }
}
