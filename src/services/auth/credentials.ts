import { AppError } from '../../core/errors.ts';

/** A credential as presented, before it is checked. */
export type Credential = { readonly kind: 'api_key'; readonly key: string } | { readonly kind: 'bearer'; readonly token: string };

type HeaderValue = string | readonly string[] | undefined;

function single(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Reads `Authorization: Bearer …`; throws for another scheme, `undefined` when absent. */
function bearerOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!m?.[1]) throw new AppError('unauthenticated', 'Use "Authorization: Bearer <token>" or an "x-api-key" header');
  return m[1];
}

/** The credential of an HTTP request: `x-api-key` first, then `Authorization: Bearer`. */
export function credentialFromHeaders(headers: Readonly<Record<string, HeaderValue>>): Credential | undefined {
  const apiKey = single(headers['x-api-key'])?.trim();
  if (apiKey) return { kind: 'api_key', key: apiKey };
  const token = bearerOf(single(headers.authorization));
  return token === undefined ? undefined : { kind: 'bearer', token };
}

/** What a realtime connection attempt offers: the shape of the transports' `HandshakeInfo`. */
export interface HandshakeCredentials {
  readonly headers: Readonly<Record<string, HeaderValue>>;
  readonly auth: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, HeaderValue>>;
}

/**
 * The credential of a realtime connection: headers first (servers, native apps), then Socket.IO's
 * `auth.token`, then `?access_token=` (browsers cannot set headers on a WebSocket).
 */
export function credentialFromHandshake(handshake: HandshakeCredentials): Credential | undefined {
  const fromHeaders = credentialFromHeaders(handshake.headers);
  if (fromHeaders) return fromHeaders;
  const token = single(handshake.auth.token)?.trim() ?? single(handshake.query.access_token)?.trim();
  return token ? { kind: 'bearer', token } : undefined;
}
