import { createTransport } from 'nodemailer';
import type { Mailer, MailMessage } from './mailer.ts';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; holds credentials: never log it. */
  readonly url: string;
  /** The sender, `Name <address>`. */
  readonly from: string;
}

/** The mail port over SMTP with nodemailer: one pooled-free transport, messages sent as plain text. */
export class SmtpMailer implements Mailer {
  readonly #transport: ReturnType<typeof createTransport>;
  readonly #from: string;

  constructor(options: SmtpMailerOptions) {
    this.#transport = createTransport(options.url);
    this.#from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.#transport.sendMail({ from: this.#from, to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    this.#transport.close();
  }
}
