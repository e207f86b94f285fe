import { pino, type Logger, type DestinationStream } from 'pino';
import { scrubLogFields, scrubLogLine, scrubUrl } from './log-redaction.ts';

export type { Logger } from 'pino';

/**
 * Paths removed from every log line. Secrets, credentials, phone numbers, transcript text and audio
 * never reach the logs; anything personal that must be logged for debugging goes under `pii.*`.
 * These are the first of three layers: see `log-redaction.ts` for the field-name and value scrubs
 * that catch the same data at any depth and inside strings.
 */
export const redactedPaths: readonly string[] = [
  'pii',
  'pii.*',
  '*.pii',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-twilio-signature"]',
  'req.headers["proxy-authorization"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.idToken',
  '*.apiKey',
  '*.secret',
  '*.authToken',
  '*.text',
  '*.transcript',
  '*.transcription',
  '*.instructions',
  '*.prompt',
  '*.phone',
  '*.phoneNumber',
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

/** What a request log line says about the request: no headers, and no credential in the query string. */
function requestSerializer(request: { method?: unknown; url?: unknown; host?: unknown; ip?: unknown; socket?: { remotePort?: unknown } }) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? scrubUrl(request.url) : undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

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
    serializers: { req: requestSerializer },
    formatters: { log: scrubLogFields },
    hooks: { streamWrite: scrubLogLine },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty === true) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(base);
}
