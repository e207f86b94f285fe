/**
 * What every Twilio webhook route needs, as one plugin: Twilio's form-encoded bodies
 * (`application/x-www-form-urlencoded`, parsed by `@fastify/formbody`) and the `X-Twilio-Signature`
 * check before anything else looks at the request.
 *
 * Register it inside the encapsulated context that holds the Twilio routes (it is wrapped with
 * `fastify-plugin`, so it applies to that context and no further):
 *
 * ```ts
 * await app.register(async (twilioContext) => {
 *   await twilioContext.register(twilioWebhookPlugin, { verifier, trustProxy });
 *   twilioContext.post('/twilio/ivr/answer', { schema: { body: twilioVoiceParams } }, handler);
 * });
 * ```
 *
 * The check runs at `preValidation`: after the body is parsed (the form parameters are part of what
 * Twilio signs) and before schema validation, so an unsigned request learns nothing from validation
 * errors and nothing is created. Refusals: 403 `forbidden` for a missing or wrong signature; 503
 * `not_configured` in production without `TWILIO_AUTH_TOKEN`. Outside production without a token every
 * request is accepted unsigned, with a warning logged for each.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { TrustProxy } from '../../config/security.ts';
import { AppError } from '../../core/errors.ts';
import type { TwilioParams, TwilioSignatureVerifier } from '../../services/telephony/twilio-signature.ts';
import { forwardedOrigin } from './forwarded-origin.ts';

export interface TwilioWebhookOptions {
  /** The server's one verifier (built from `TWILIO_AUTH_TOKEN`, `PUBLIC_URL` and `NODE_ENV`). */
  readonly verifier: TwilioSignatureVerifier;
  /** `TRUST_PROXY`: whose `X-Forwarded-Proto`/`-Host` count when rebuilding the signed URL. */
  readonly trustProxy: TrustProxy;
}

/** Twilio's webhook bodies are a few hundred bytes; nothing legitimate comes near this. */
export const TWILIO_WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

/** The body as signed form parameters, or `null` when it is not flat strings (Twilio never sends that). */
function formParamsOf(body: unknown): TwilioParams | null {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return null;
  const params: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') params[name] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) params[name] = value;
    else return null;
  }
  return params;
}

/** The `preValidation` hook that checks `X-Twilio-Signature`; exported for routes registered elsewhere. */
export function twilioSignatureHook(options: TwilioWebhookOptions): (request: FastifyRequest) => Promise<void> {
  const { verifier, trustProxy } = options;
  return (request) => {
    const header = request.headers['x-twilio-signature'];
    const params = formParamsOf(request.body);
    const verdict = verifier.check({
      pathAndQuery: request.url,
      signature: typeof header === 'string' ? header : undefined,
      params: params ?? {},
      forwardedOrigin: forwardedOrigin(request.headers, request.socket.remoteAddress, trustProxy),
    });
    if (verdict.ok && (params !== null || !verdict.signed)) {
      if (!verdict.signed) request.log.warn({ path: request.routeOptions.url }, 'unsigned twilio webhook accepted: TWILIO_AUTH_TOKEN is not set');
      return Promise.resolve();
    }
    if (!verdict.ok && verdict.reason === 'not_configured') {
      request.log.error({ path: request.routeOptions.url }, 'twilio webhook refused: TWILIO_AUTH_TOKEN is not set in production');
      return Promise.reject(new AppError('not_configured', 'Twilio webhooks are disabled: TWILIO_AUTH_TOKEN is not set'));
    }
    request.log.warn({ path: request.routeOptions.url, reason: verdict.ok ? 'not_form_params' : verdict.reason }, 'twilio webhook refused');
    return Promise.reject(new AppError('forbidden', 'Not a verified Twilio request'));
  };
}

/** Form bodies and the signature check for the Twilio routes of the context it is registered in. */
export const twilioWebhookPlugin = fp(
  async (app: FastifyInstance, options: TwilioWebhookOptions) => {
    await app.register(formbody, { bodyLimit: TWILIO_WEBHOOK_BODY_LIMIT_BYTES });
    app.addHook('preValidation', twilioSignatureHook(options));
  },
  { name: 'twilio-webhooks' },
);
