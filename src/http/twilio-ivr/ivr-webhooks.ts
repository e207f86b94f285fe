import type { Logger } from '../../core/logger.ts';
import type { IvrAnswer, IvrCalls, IvrDialParams, IvrTurnParams } from '../../services/ivr/ivr-calls.ts';
import { phrasesFor } from '../../services/ivr/phrases.ts';
import { renderTwiml, type TwimlTargets } from '../../services/ivr/twiml.ts';
import type { IvrIncomingCall } from '../twilio/deps.ts';

export interface IvrWebhooksOptions {
  readonly ivr: IvrCalls;
  /** `PUBLIC_URL`: action URLs are absolute, exactly as Twilio will sign them. */
  readonly publicUrl: string;
  readonly logger: Logger;
  /** Seconds a gather waits for the caller to start speaking. */
  readonly gatherTimeoutS?: number;
  /** Seconds the transfer number may ring. */
  readonly dialTimeoutS?: number;
}

/** The IVR's webhook paths (under `PUBLIC_URL`); the query carries the tenant and the silent-gather count. */
export function ivrTurnPath(callId: string, tenantId: string, silentTurns: number): string {
  return `/twilio/ivr/${encodeURIComponent(callId)}/turn?tenantId=${encodeURIComponent(tenantId)}&silent=${silentTurns}`;
}

export function ivrDialPath(callId: string, tenantId: string): string {
  return `/twilio/ivr/${encodeURIComponent(callId)}/dial?tenantId=${encodeURIComponent(tenantId)}`;
}

/** The technical-problem line in French (the default language): said when we cannot even load the company. */
const fallbackVoice = { voice: 'Polly.Lea', language: 'fr-FR', ratePercent: null } as const;

/**
 * The IVR as Twilio sees it: each webhook answered with TwiML, **always** (never a 5xx: Twilio would
 * play its "application error" message and hang up). A failure on our side (the database down) is
 * logged and answered with an apology and a hang-up.
 */
export class IvrWebhooks {
  readonly #ivr: IvrCalls;
  readonly #publicUrl: string;
  readonly #logger: Logger;
  readonly #gatherTimeoutS: number;
  readonly #dialTimeoutS: number;

  constructor(options: IvrWebhooksOptions) {
    this.#ivr = options.ivr;
    this.#publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.#logger = options.logger;
    this.#gatherTimeoutS = options.gatherTimeoutS ?? 6;
    this.#dialTimeoutS = options.dialTimeoutS ?? 25;
  }

  /** The hook of `/twilio/voice` for numbers in `ivr` mode (`TwilioHttpDeps.ivr`). */
  readonly answerIncoming = (call: IvrIncomingCall): Promise<string> =>
    this.#guarded({ tenantId: call.tenantId }, async () => {
      const answer = await this.#ivr.answer({
        tenantId: call.tenantId,
        agentId: call.phoneNumber.agentId,
        phone: { callSid: call.callSid, from: call.from, to: call.to, phoneNumberId: call.phoneNumber.id },
      });
      return this.#render(answer, call.tenantId);
    });

  turn(params: IvrTurnParams): Promise<string> {
    return this.#guarded(params, async () => this.#render(await this.#ivr.turn(params), params.tenantId));
  }

  dialEnded(params: IvrDialParams): Promise<string> {
    return this.#guarded(params, async () => this.#render(await this.#ivr.dialEnded(params), params.tenantId));
  }

  #render(answer: IvrAnswer, tenantId: string): string {
    const callId = answer.callId;
    const targets: TwimlTargets = {
      turnUrl: (silent) => (callId === null ? '' : `${this.#publicUrl}${ivrTurnPath(callId, tenantId, silent)}`),
      dialUrl: callId === null ? '' : `${this.#publicUrl}${ivrDialPath(callId, tenantId)}`,
      gatherTimeoutS: this.#gatherTimeoutS,
      dialTimeoutS: this.#dialTimeoutS,
    };
    return renderTwiml(answer.reply, answer.voice, targets);
  }

  async #guarded(context: { tenantId: string; callId?: string }, work: () => Promise<string>): Promise<string> {
    try {
      return await work();
    } catch (error) {
      this.#logger.error({ err: error, tenantId: context.tenantId, callId: context.callId }, 'ivr webhook failed; apologised and hung up');
      return renderTwiml({ kind: 'hangup', lines: [phrasesFor(fallbackVoice.language).technicalProblem] }, fallbackVoice, {
        turnUrl: () => '',
        dialUrl: '',
        gatherTimeoutS: this.#gatherTimeoutS,
        dialTimeoutS: this.#dialTimeoutS,
      });
    }
  }
}
