/**
 * The `X-Twilio-Signature` check, shared by every Twilio webhook (voice, status, the IVR) and the
 * media-stream WebSocket upgrade. Twilio signs `url + sorted(name + value)` with HMAC-SHA1 keyed by the
 * account's auth token (protocols.md §4.5); the `twilio` package's `validateRequest` does the
 * computation and the constant-time comparison, and already tries the URL with and without the
 * default port.
 *
 * The URL is the one Twilio called, which this server cannot see: it is rebuilt from `PUBLIC_URL`
 * plus the path and query received, and, only when a trusted proxy says so, from its
 * `X-Forwarded-Proto`/`X-Forwarded-Host` (the caller computes that origin; see
 * `src/http/twilio/forwarded-origin.ts`). A request signed for any other URL, another path, another
 * host or other parameters fails.
 */
import twilio from 'twilio';

/** Form parameters as a body parser gives them: repeated names become arrays. */
export type TwilioParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the verifier needs to know of one request. */
export interface TwilioSignedRequest {
  /** Path and query string exactly as received (`/twilio/status?callId=…`). */
  readonly pathAndQuery: string;
  /** The `X-Twilio-Signature` header, if any. */
  readonly signature: string | undefined;
  /** POST form parameters; `{}` for the media upgrade (a GET). */
  readonly params: TwilioParams;
  /** `proto://host` from the headers of a trusted proxy; `undefined` when no trusted proxy set them. */
  readonly forwardedOrigin?: string | undefined;
  /** The WebSocket upgrade: Twilio signs the `wss://` URL (the `https://` form is accepted too). */
  readonly websocket?: boolean;
}

export type TwilioSignatureVerdict =
  /** Signed by Twilio, or (`signed: false`) accepted unsigned because no auth token is configured outside production. */
  | { readonly ok: true; readonly signed: boolean }
  | { readonly ok: false; readonly reason: 'missing_signature' | 'invalid_signature' | 'not_configured' };

export interface TwilioSignatureOptions {
  /** `TWILIO_AUTH_TOKEN`; unset means nothing can be verified. */
  readonly authToken: string | undefined;
  /** `PUBLIC_URL`, no trailing slash. */
  readonly publicUrl: string;
  /**
   * Without an auth token: `true` (production) refuses every Twilio request (`not_configured`),
   * `false` (development, test) accepts them unsigned. With a token, a valid signature is always required.
   */
  readonly refuseWhenUnconfigured: boolean;
}

function toWebSocketScheme(url: string): string {
  return url.replace(/^http(s?):/, 'ws$1:');
}

function plainParams(params: TwilioParams): Record<string, string | string[]> {
  const plain: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    plain[name] = typeof value === 'string' ? value : [...value];
  }
  return plain;
}

/** Checks `X-Twilio-Signature` on webhooks and on the media upgrade. Stateless; one per server. */
export class TwilioSignatureVerifier {
  readonly #options: TwilioSignatureOptions;

  constructor(options: TwilioSignatureOptions) {
    this.#options = { ...options, publicUrl: options.publicUrl.replace(/\/+$/, '') };
  }

  /** Whether an auth token is configured, i.e. whether signatures are checked at all. */
  get configured(): boolean {
    return this.#options.authToken !== undefined;
  }

  /** Whether Twilio requests are refused outright (production without an auth token). */
  get refusing(): boolean {
    return !this.configured && this.#options.refuseWhenUnconfigured;
  }

  /** The URLs Twilio may have signed for this request, most likely first. */
  candidateUrls(request: Pick<TwilioSignedRequest, 'pathAndQuery' | 'forwardedOrigin' | 'websocket'>): string[] {
    const path = request.pathAndQuery.startsWith('/') ? request.pathAndQuery : `/${request.pathAndQuery}`;
    const bases = [this.#options.publicUrl];
    if (request.forwardedOrigin !== undefined) bases.push(request.forwardedOrigin.replace(/\/+$/, ''));
    const urls = bases.map((base) => `${base}${path}`);
    const all = request.websocket === true ? [...urls.map(toWebSocketScheme), ...urls] : urls;
    return [...new Set(all)];
  }

  check(request: TwilioSignedRequest): TwilioSignatureVerdict {
    const { authToken } = this.#options;
    if (authToken === undefined) {
      return this.#options.refuseWhenUnconfigured ? { ok: false, reason: 'not_configured' } : { ok: true, signed: false };
    }
    const signature = request.signature?.trim();
    if (signature === undefined || signature === '') return { ok: false, reason: 'missing_signature' };
    const params = plainParams(request.params);
    const valid = this.candidateUrls(request).some((url) => twilio.validateRequest(authToken, signature, url, params));
    return valid ? { ok: true, signed: true } : { ok: false, reason: 'invalid_signature' };
  }
}

/**
 * The signature Twilio would send for `url` and `params` (for tests, the fake Twilio REST API and
 * tools that replay webhooks). Same algorithm as the `twilio` package's `getExpectedTwilioSignature`.
 */
export function twilioSignatureOf(authToken: string, url: string, params: TwilioParams = {}): string {
  return twilio.getExpectedTwilioSignature(authToken, url, plainParams(params));
}
