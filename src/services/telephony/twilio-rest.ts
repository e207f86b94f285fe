/**
 * Twilio's Calls REST resource (protocols.md §4.7): place a call, hang one up. Plain `fetch` with HTTP
 * Basic auth rather than the `twilio` package's client, because that client has no base-URL option
 * (only `edge`/`region`, which rewrite `*.twilio.com` host names), so pointing it at
 * `TWILIO_API_BASE_URL` (a fake in tests, a proxy in some deployments) means overwriting an internal
 * property; and it reads `TWILIO_*` variables from `process.env` behind the validated config. The
 * resource is two form-encoded POSTs; their JSON answers are validated here.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../core/result.ts';

export interface TwilioRestOptions {
  /** `TWILIO_API_BASE_URL`, e.g. `https://api.twilio.com`. */
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Per request; Twilio answers in well under a second. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export interface PlaceCallParams {
  /** E.164 numbers. */
  readonly to: string;
  readonly from: string;
  /** Inline TwiML run when the callee answers. */
  readonly twiml: string;
  readonly statusCallback: string;
  /** Seconds to let it ring before giving up (`no-answer`). */
  readonly timeoutS: number;
  /** Twilio hangs up after this many seconds whatever happens here (a safety net under our own limit). */
  readonly timeLimitS: number;
}

export interface TwilioCallResource {
  readonly sid: string;
  readonly status: string;
}

export type TwilioRestFailure =
  /** Twilio answered with an error: its HTTP status, its error code (21211 invalid To, 20003 auth, …) and message. */
  | { readonly kind: 'provider'; readonly httpStatus: number; readonly code: number | null; readonly message: string }
  /** No answer: network error or timeout. */
  | { readonly kind: 'unreachable'; readonly message: string };

/** The port outbound calls use; tests may script it, the adapter below speaks HTTP. */
export interface TwilioCallsApi {
  placeCall(params: PlaceCallParams): Promise<Result<TwilioCallResource, TwilioRestFailure>>;
  /** `Status=completed`: ends an answered call, cancels a ringing one. */
  hangUp(callSid: string): Promise<Result<TwilioCallResource, TwilioRestFailure>>;
}

const callResource = z.object({ sid: z.string().regex(/^CA[0-9a-f]{32}$/), status: z.string() });
const errorBody = z.object({ code: z.number().int().nullish(), message: z.string().nullish() });

/** Every event a call's status callback reports (the default is `completed` only). */
export const STATUS_CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;

export class TwilioRestClient implements TwilioCallsApi {
  readonly #options: TwilioRestOptions;
  readonly #authorization: string;

  constructor(options: TwilioRestOptions) {
    this.#options = options;
    this.#authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  }

  placeCall(params: PlaceCallParams): Promise<Result<TwilioCallResource, TwilioRestFailure>> {
    const form = new URLSearchParams({
      To: params.to,
      From: params.from,
      Twiml: params.twiml,
      StatusCallback: params.statusCallback,
      StatusCallbackMethod: 'POST',
      Timeout: String(params.timeoutS),
      TimeLimit: String(params.timeLimitS),
    });
    for (const event of STATUS_CALLBACK_EVENTS) form.append('StatusCallbackEvent', event);
    return this.#post('Calls.json', form);
  }

  hangUp(callSid: string): Promise<Result<TwilioCallResource, TwilioRestFailure>> {
    return this.#post(`Calls/${encodeURIComponent(callSid)}.json`, new URLSearchParams({ Status: 'completed' }));
  }

  async #post(resource: string, form: URLSearchParams): Promise<Result<TwilioCallResource, TwilioRestFailure>> {
    const { baseUrl, accountSid, timeoutMs = 10_000 } = this.#options;
    const url = `${baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/${resource}`;
    let response: Response;
    try {
      response = await (this.#options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { authorization: this.#authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return err({ kind: 'unreachable', message: error instanceof Error ? error.message : String(error) });
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = errorBody.safeParse(body);
      const code = parsed.success ? (parsed.data.code ?? null) : null;
      const message = parsed.success ? (parsed.data.message ?? `HTTP ${response.status}`) : `HTTP ${response.status}`;
      return err({ kind: 'provider', httpStatus: response.status, code, message });
    }
    const call = callResource.safeParse(body);
    if (!call.success) return err({ kind: 'provider', httpStatus: response.status, code: null, message: 'Twilio answered with an unexpected body' });
    return ok({ sid: call.data.sid, status: call.data.status });
  }
}
