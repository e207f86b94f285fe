import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../core/logger.ts';
import { forwardedOrigin } from './forwarded-origin.ts';
import type { TwilioWebhookOptions } from './twilio-webhook-plugin.ts';

/**
 * The media-stream upgrade check (`verifyUpgrade` of `attachTwilioMediaStream`): the upgrade is a GET
 * with no body, so the signature covers the `wss://` URL alone (protocols.md §4.5). Same rules as the
 * webhooks: refused without a valid signature when a token is set, refused in production without
 * one, accepted unsigned with a warning otherwise.
 */
export function twilioUpgradeVerifier(options: TwilioWebhookOptions & { readonly logger: Logger }): (request: IncomingMessage) => boolean {
  const { verifier, trustProxy, logger } = options;
  return (request) => {
    const header = request.headers['x-twilio-signature'];
    const verdict = verifier.check({
      pathAndQuery: request.url ?? '/',
      signature: typeof header === 'string' ? header : undefined,
      params: {},
      forwardedOrigin: forwardedOrigin(request.headers, request.socket.remoteAddress, trustProxy),
      websocket: true,
    });
    if (verdict.ok) {
      if (!verdict.signed) logger.warn('unsigned twilio media stream accepted: TWILIO_AUTH_TOKEN is not set');
      return true;
    }
    if (verdict.reason === 'not_configured') logger.error('twilio media stream refused: TWILIO_AUTH_TOKEN is not set in production');
    else logger.warn({ reason: verdict.reason }, 'twilio media stream signature refused');
    return false;
  };
}
