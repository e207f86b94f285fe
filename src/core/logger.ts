import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths removed from every log line. Secrets, credentials, phone numbers, transcript text and audio
 * never reach the logs; anything personal that must be logged for debugging goes under `pii.*`.
 */
export const redactedPaths: readonly string[] = [
  'pii',
  'pii.*',
  '*.pii',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.secret',
  '*.authToken',
  '*.text',
  '*.transcript',
  '*.transcription',
  '*.instructions',
  '*.prompt',
  '*.phone',
  '*.from',
  '*.to',
  '*.audio',
  'password',
  'token',
  'apiKey',
  'text',
  'transcript',
  'prompt',
];

export interface LoggerOptions {
  readonly level: string;
  readonly pretty?: boolean;
  /** For tests: where the JSON lines go. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: [...redactedPaths], censor: '[redacted]' },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty === true) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(base);
}
