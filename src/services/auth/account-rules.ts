import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { commonPasswords } from './common-passwords.ts';

export const passwordMinLength = 10;
export const passwordMaxLength = 128;

/** Emails are compared case-insensitively: stored and looked up trimmed and in lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * An email as accepted everywhere (signup, login, profile, `admin:create`, users): surrounding
 * whitespace trimmed first, then checked. Lower-casing is {@link normaliseEmail}'s, at the service.
 */
export const emailSchema = z.string().trim().max(254).check(z.email({ error: 'must be an email address' }));

/** Characters that count towards the length rule: everything but whitespace, counted as code points. */
function nonSpaceLength(password: string): number {
  return Array.from(password.replace(/\s/gu, '')).length;
}

/**
 * Why `password` breaks the policy, or `undefined`: 10 to 128 characters of which at least 10 are
 * not whitespace, not one of the most common passwords, not the account's email.
 */
export function passwordProblem(password: string, email: string | null): string | undefined {
  if (password.length > passwordMaxLength) return `must be at most ${passwordMaxLength} characters`;
  if (password.trim() === '') return 'must not be blank';
  if (nonSpaceLength(password) < passwordMinLength) return `must be at least ${passwordMinLength} characters, not counting spaces`;
  if (commonPasswords.has(password.trim().toLowerCase())) return 'is one of the most common passwords; choose another';
  if (email !== null && normaliseEmail(password) === normaliseEmail(email)) return 'must not be your email address';
  return undefined;
}

/**
 * Throws `validation_failed` naming `path` when the password breaks the policy ({@link passwordProblem}).
 * The HTTP schemas run the same rule; this is the check every path shares (CLI, reset, users).
 */
export function checkPasswordPolicy(password: string, email: string | null, path: string): void {
  const problem = passwordProblem(password, email);
  if (problem !== undefined) {
    throw new AppError('validation_failed', 'The request is invalid', { details: [{ path, message: problem }] });
  }
}
