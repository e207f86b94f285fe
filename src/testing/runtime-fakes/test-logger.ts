import { pino } from 'pino';
import { createLogger, type Logger } from '../../core/logger.ts';

/** A logger that writes nothing (tests fail when something prints). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A logger that keeps its JSON lines (with the product's redaction) for assertions. */
export function capturingLogger(level = 'debug'): { readonly logger: Logger; readonly lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = createLogger({
    level,
    destination: {
      write(line: string) {
        raw.push(line);
      },
    },
  });
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
