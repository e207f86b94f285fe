/** One plain-text email. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/**
 * Where outgoing mail goes: the SMTP adapter (`SMTP_URL`) in a deployment, a recording fake in
 * tests. Without one, features that need mail (password reset) answer `not_configured`.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
