import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** The environment variables of phone calls over Twilio (docs/twilio.md); spread into the config schema. */
export const twilioEnvShape = {
  TWILIO_ACCOUNT_SID: optionalText.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID: AC followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_API_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.twilio.com'),
};

type TwilioEnv = z.infer<z.ZodObject<typeof twilioEnvShape>> & { readonly NODE_ENV: string };

export interface TwilioConfig {
  /** Needed, with the token, to place outbound calls through the REST API. */
  readonly accountSid: string | undefined;
  /** Verifies `X-Twilio-Signature` and authenticates REST calls. A secret: never log it. */
  readonly authToken: string | undefined;
  readonly apiBaseUrl: string;
}

/**
 * Combinations that cannot work: an account SID without its token (nothing could be verified or
 * placed), and in production a `PUBLIC_URL` that is not https while Twilio is configured (Twilio
 * opens media streams over `wss://` only and would be pointed at a URL it refuses).
 */
export function twilioProblems(e: TwilioEnv, publicUrl: string): string[] {
  const problems: string[] = [];
  if (e.TWILIO_ACCOUNT_SID !== undefined && e.TWILIO_AUTH_TOKEN === undefined) {
    problems.push('TWILIO_AUTH_TOKEN: is required when TWILIO_ACCOUNT_SID is set');
  }
  if (e.NODE_ENV === 'production' && e.TWILIO_AUTH_TOKEN !== undefined && !publicUrl.startsWith('https://')) {
    problems.push('PUBLIC_URL: must be an https URL when NODE_ENV=production and TWILIO_AUTH_TOKEN is set (Twilio streams media to wss:// only)');
  }
  return problems;
}

/**
 * Whether `url` names this machine (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`). Twilio signs the URL
 * it requested, which is never such an address, so with a token set every webhook would fail its check.
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function twilioConfigOf(e: TwilioEnv): TwilioConfig {
  return { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, apiBaseUrl: e.TWILIO_API_BASE_URL.replace(/\/+$/, '') };
}
