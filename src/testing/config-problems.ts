import { ConfigError, parseConfig } from '../config/config.ts';

/** What `parseConfig` refuses in `env`: the `ConfigError`'s problems, none when it parses. Any other error is thrown. */
export function configProblemsOf(env: Readonly<Record<string, string>>): readonly string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** The message `parseConfig` throws for `env` (every problem, one per line), `''` when it parses. */
export function configMessageOf(env: Readonly<Record<string, string>>): string {
  const problems = configProblemsOf(env);
  return problems.length === 0 ? '' : new ConfigError(problems).message;
}
