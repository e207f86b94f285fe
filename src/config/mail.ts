import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** The environment variables of outgoing mail; spread into the config schema. */
export const mailEnvShape = {
  SMTP_URL: optionalText.pipe(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional()),
  MAIL_FROM: optionalText.pipe(z.string().max(320).optional()),
  PASSWORD_RESET_URL: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .refine((url) => url.includes('{token}'), 'must contain {token}, where the reset token goes')
      .optional(),
  ),
};

type MailEnv = z.infer<z.ZodObject<typeof mailEnvShape>>;

export interface MailConfig {
  /** `undefined`: no mail transport; password reset by email answers `not_configured`. Holds credentials: never log it. */
  readonly smtpUrl: string | undefined;
  readonly from: string;
  /**
   * The page of the client application that takes a reset token, with `{token}` where it goes.
   * Required with `SMTP_URL` (this server serves no such page); `undefined` without mail.
   */
  readonly passwordResetUrl: string | undefined;
}

/** Rules across variables; each problem names its variable. */
export function mailProblems(e: MailEnv): string[] {
  if (e.SMTP_URL !== undefined && e.PASSWORD_RESET_URL === undefined) {
    return [
      'PASSWORD_RESET_URL: is required when SMTP_URL is set: the page of your client application that takes the reset token, with {token} where it goes (e.g. https://app.example.com/reset-password/{token}); this server has no such page',
    ];
  }
  return [];
}

export function mailConfigOf(e: MailEnv, publicUrl: string): MailConfig {
  return {
    smtpUrl: e.SMTP_URL,
    from: e.MAIL_FROM ?? `Switchboard <no-reply@${new URL(publicUrl).hostname}>`,
    passwordResetUrl: e.PASSWORD_RESET_URL,
  };
}
