import type { z } from 'zod';

/**
 * Messages for the number problems of environment variables, which are all integers: zod's own
 * ("Invalid input: expected number, received NaN") do not say what to write. Used as the parse's
 * error map, so a message a variable's schema sets itself still wins.
 */
export function envIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int')) return 'must be an integer';
  if (issue.code === 'too_small' && issue.origin === 'number') return `must be at least ${String(issue.minimum)}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `must be at most ${String(issue.maximum)}`;
  return undefined;
}
