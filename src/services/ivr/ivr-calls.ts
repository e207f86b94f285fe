import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/database.ts';
import { getAgent, resolveDefaultAgent } from '../../store/queries/agents.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { isOpenAt } from '../companies/business-hours.ts';
import type { Companies, Company } from '../companies/companies.ts';
import { renderGreeting } from '../companies/greeting.ts';
import type { ChatModel } from './chat-model.ts';
import { IvrStore, type IvrCallState, type IvrPhoneCall } from './ivr-store.ts';
import { phrasesFor } from './phrases.ts';
import { decideTurn, transferConfigured, type IvrModelOptions, type TurnDecision } from './turn-decision.ts';
import type { IvrReply } from './twiml.ts';
import { ivrVoiceOf, type IvrVoice } from './voice.ts';

export interface IvrOptions {
  readonly model: IvrModelOptions;
  /** Silent gathers re-prompted before the IVR says goodbye and hangs up. */
  readonly maxReprompts: number;
}

/** The tenant's calls in progress and the cap (`MAX_CONCURRENT_CALLS_PER_TENANT`), as the realtime numbers apply it. */
export interface IvrConcurrency {
  readonly countOpenCalls: (tenantId: string) => Promise<number>;
  readonly max: number;
}

export const defaultIvrOptions: IvrOptions = {
  model: { maxTokens: 150, temperature: 0.5, timeoutMs: 8_000, classifierEnabled: true, classifierTimeoutMs: 3_000 },
  maxReprompts: 2,
};

/** What to answer Twilio: the reply, the voice to say it with, and the call it belongs to (none when no call was stored). */
export interface IvrAnswer {
  readonly callId: string | null;
  readonly reply: IvrReply;
  readonly voice: IvrVoice;
}

export interface IvrEntryParams {
  readonly tenantId: string;
  /** The number's agent; `null` (or a deleted agent) uses the tenant's default agent. */
  readonly agentId: string | null;
  readonly phone: IvrPhoneCall;
}

export interface IvrTurnParams {
  readonly tenantId: string;
  readonly callId: string;
  readonly callSid: string;
  /** Twilio's `SpeechResult`; empty or absent when the gather heard nothing. */
  readonly speech: string | undefined;
  /** Twilio's `Confidence` (0–1), when it sent one. */
  readonly confidence: number | undefined;
  /** Silent gathers just before this one (from the signed action URL). */
  readonly silentTurns: number;
}

export interface IvrDialParams {
  readonly tenantId: string;
  readonly callId: string;
  readonly callSid: string;
  /** Twilio's `DialCallStatus`: completed, answered, busy, no-answer, failed, canceled. */
  readonly dialStatus: string;
}

const defaultVoice: IvrVoice = { voice: 'Polly.Lea', language: 'fr-FR', ratePercent: null };
const connectedDialStatuses: ReadonlySet<string> = new Set(['completed', 'answered']);

/**
 * Lydia's classic IVR: each Twilio webhook is one step, answered with a reply the HTTP layer renders
 * as TwiML. No state lives in the process: the call row, its transcript and the signed action URL
 * (the silent-gather count) are the whole state, so any instance can take any webhook.
 */
export class IvrCalls {
  readonly #store: IvrStore;
  readonly #db: Database;
  readonly #companies: Companies;
  readonly #model: ChatModel;
  readonly #logger: Logger;
  readonly #options: IvrOptions;
  readonly #clock: Clock;
  readonly #concurrency: IvrConcurrency | undefined;

  constructor(deps: { db: Database; clock: Clock; companies: Companies; model: ChatModel; logger: Logger; options?: IvrOptions; concurrency?: IvrConcurrency }) {
    this.#store = new IvrStore({ db: deps.db, clock: deps.clock });
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#companies = deps.companies;
    this.#model = deps.model;
    this.#logger = deps.logger;
    this.#options = deps.options ?? defaultIvrOptions;
    this.#concurrency = deps.concurrency;
  }

  /**
   * A call to an IVR number. Closed (business hours in the company's time zone): the closed message
   * and a hang-up, the call stored as ended with reason `closed`. Open: the call becomes active, the
   * greeting is its first assistant turn, spoken inside the first gather.
   */
  async answer(params: IvrEntryParams): Promise<IvrAnswer> {
    const company = await this.#companies.forTenant(params.tenantId);
    const agent = company ? await this.#agentFor(params) : undefined;
    if (!company || !agent) {
      this.#logger.error({ tenantId: params.tenantId, companyFound: company !== undefined }, 'ivr call refused: no company or no agent');
      return { callId: null, reply: { kind: 'hangup', lines: [phrasesFor(defaultVoice.language).technicalProblem] }, voice: defaultVoice };
    }
    const voice = ivrVoiceOf(company.voiceConfig);
    const again = await this.#store.findByCallSid(params.phone.callSid);
    if (again) return this.#answerAgain(again, company, voice);
    if (this.#concurrency && (await this.#concurrency.countOpenCalls(params.tenantId)) >= this.#concurrency.max) {
      this.#logger.warn({ tenantId: params.tenantId }, 'ivr call refused: concurrent call cap reached');
      return { callId: null, reply: { kind: 'hangup', lines: [phrasesFor(voice.language).busy] }, voice };
    }
    const created = await this.#store.createCall({ tenantId: params.tenantId, agent, phone: params.phone });
    const log = this.#logger.child({ callId: created.id, tenantId: params.tenantId });
    const state: IvrCallState = { call: created, callSid: params.phone.callSid, transcript: [] };
    if (!isOpenAt(company.businessHours, company.businessHours.timeZone, new Date(this.#clock.nowMs()))) {
      const closed = renderGreeting(company.voiceAssistant.prompts.closedPrompt, company);
      await this.#store.appendTurns(state, [{ role: 'assistant', text: closed }]);
      await this.#store.end(created, 'closed');
      log.info('ivr call answered while closed');
      return { callId: created.id, reply: { kind: 'hangup', lines: [closed] }, voice };
    }
    const call = await this.#store.activate(created);
    const greeting = renderGreeting(company.voiceAssistant.prompts.welcomePrompt, company);
    await this.#store.appendTurns({ ...state, call }, [{ role: 'assistant', text: greeting }]);
    log.info('ivr call answered');
    return { callId: call.id, reply: { kind: 'listen', lines: [greeting], silentTurns: 0 }, voice };
  }

  /**
   * Twilio asked for the same call again (the voice URL re-requested after a timeout): a live IVR
   * call of this tenant hears its greeting again, nothing is stored twice; anything else hangs up.
   */
  #answerAgain(state: IvrCallState, company: Company, voice: IvrVoice): IvrAnswer {
    const live = state.call.status === 'active' && state.call.channel === 'twilio-ivr' && state.call.tenantId === company.id;
    this.#logger.warn({ callId: state.call.id, tenantId: company.id, live }, 'ivr voice webhook repeated for a known CallSid');
    const greeting = state.transcript.find((t) => t.role === 'assistant')?.text;
    if (!live || greeting === undefined) return { callId: null, reply: { kind: 'hangup', lines: [] }, voice };
    return this.#reply(state, voice, { kind: 'listen', lines: [greeting], silentTurns: 0 });
  }

  /** One gather result: silence re-prompts (then says goodbye), speech is stored and answered. */
  async turn(params: IvrTurnParams): Promise<IvrAnswer> {
    const loaded = await this.#loadLive(params);
    if (!loaded.ok) return loaded.answer;
    const { state, company, voice } = loaded;
    const phrases = phrasesFor(voice.language);
    const log = this.#logger.child({ callId: state.call.id, tenantId: params.tenantId });

    const speech = params.speech?.trim() ?? '';
    if (speech === '') {
      const silent = params.silentTurns + 1;
      if (silent > this.#options.maxReprompts) {
        await this.#store.appendTurns(state, [{ role: 'assistant', text: phrases.goodbyeSilent }]);
        await this.#store.end(state.call, 'no_input');
        log.info({ silentTurns: silent }, 'ivr call ended: caller silent');
        return this.#reply(state, voice, { kind: 'hangup', lines: [phrases.goodbyeSilent] });
      }
      await this.#store.appendTurns(state, [{ role: 'assistant', text: phrases.reprompt }]);
      log.info({ silentTurns: silent }, 'ivr re-prompt after silence');
      return this.#reply(state, voice, { kind: 'listen', lines: [phrases.reprompt], silentTurns: silent });
    }

    const withCaller = await this.#store.appendTurns(state, [{ role: 'user', text: speech }]);
    const decision = await decideTurn({
      company,
      utterance: speech,
      transcript: withCaller.transcript,
      phrases,
      model: this.#model,
      options: this.#options.model,
    });
    await this.#store.event(state.call, 'ivr.turn', { ...this.#eventData(decision), ...(params.confidence === undefined ? {} : { confidence: params.confidence }) });
    if (decision.kind === 'fallback') log.warn({ failure: decision.failure.kind, status: 'status' in decision.failure ? decision.failure.status : undefined }, 'ivr model failed; fallback line said');
    else log.info({ decision: decision.kind, ...(decision.kind === 'answer' ? { source: decision.source } : { via: decision.via }) }, 'ivr turn answered');

    if (decision.kind === 'transfer') return this.#transfer(withCaller, company, voice);
    const followUp = renderGreeting(company.voiceAssistant.prompts.followUpPrompt, company);
    await this.#store.appendTurns(withCaller, [{ role: 'assistant', text: decision.text }]);
    return this.#reply(state, voice, { kind: 'listen', lines: [decision.text, followUp], silentTurns: 0 });
  }

  /**
   * The end of a transfer (`<Dial action>`). Connected (the person answered and the conversation is
   * over): hang up and end the call as `transferred`. Not connected: say so and keep helping.
   */
  async dialEnded(params: IvrDialParams): Promise<IvrAnswer> {
    const loaded = await this.#loadLive(params);
    if (!loaded.ok) return loaded.answer;
    const { state, company, voice } = loaded;
    await this.#store.event(state.call, 'ivr.dial_ended', { dialStatus: params.dialStatus });
    if (connectedDialStatuses.has(params.dialStatus)) {
      await this.#store.end(state.call, 'transferred');
      return this.#reply(state, voice, { kind: 'hangup', lines: [] });
    }
    const phrases = phrasesFor(voice.language);
    const followUp = renderGreeting(company.voiceAssistant.prompts.followUpPrompt, company);
    await this.#store.appendTurns(state, [{ role: 'assistant', text: phrases.transferFailed }]);
    this.#logger.info({ callId: state.call.id, tenantId: params.tenantId, dialStatus: params.dialStatus }, 'ivr transfer not connected');
    return this.#reply(state, voice, { kind: 'listen', lines: [phrases.transferFailed, followUp], silentTurns: 0 });
  }

  async #transfer(state: IvrCallState, company: Company, voice: IvrVoice): Promise<IvrAnswer> {
    const settings = company.transferSettings;
    if (!transferConfigured(company) || settings.phoneNumber === null) {
      const phrases = phrasesFor(voice.language);
      const followUp = renderGreeting(company.voiceAssistant.prompts.followUpPrompt, company);
      await this.#store.appendTurns(state, [{ role: 'assistant', text: phrases.transferUnavailable }]);
      return this.#reply(state, voice, { kind: 'listen', lines: [phrases.transferUnavailable, followUp], silentTurns: 0 });
    }
    const message = renderGreeting(settings.message, company);
    await this.#store.appendTurns(state, [{ role: 'assistant', text: message }]);
    await this.#store.event(state.call, 'ivr.transfer', {});
    return this.#reply(state, voice, { kind: 'transfer', lines: message === '' ? [] : [message], number: settings.phoneNumber, callerId: settings.callerId ?? null });
  }

  #reply(state: IvrCallState, voice: IvrVoice, reply: IvrReply): IvrAnswer {
    return { callId: state.call.id, reply, voice };
  }

  #eventData(decision: TurnDecision): Record<string, unknown> {
    switch (decision.kind) {
      case 'transfer':
        return { decision: 'transfer', via: decision.via };
      case 'answer':
        return { decision: decision.source, classifier: decision.classifier };
      case 'fallback':
        return { decision: 'fallback', failure: decision.failure.kind, classifier: decision.classifier };
    }
  }

  async #agentFor(params: IvrEntryParams): Promise<AgentRow | undefined> {
    const named = params.agentId === null ? undefined : await getAgent(this.#db, { tenantId: params.tenantId, agentId: params.agentId });
    return named ?? (await resolveDefaultAgent(this.#db, { tenantId: params.tenantId, userId: null }));
  }

  /**
   * The call a webhook is about, still live and still this Twilio call. A call that ended (or is
   * past its maximum duration, which ends it now) or whose `CallSid` differs gets a hang-up.
   */
  async #loadLive(params: { tenantId: string; callId: string; callSid: string }): Promise<
    { ok: true; state: IvrCallState; company: Company; voice: IvrVoice } | { ok: false; answer: IvrAnswer }
  > {
    const hangup = (lines: string[], voice: IvrVoice = defaultVoice): { ok: false; answer: IvrAnswer } => ({ ok: false, answer: { callId: params.callId, reply: { kind: 'hangup', lines }, voice } });
    const state = await this.#store.load(params.tenantId, params.callId);
    const company = await this.#companies.forTenant(params.tenantId);
    if (!state || !company || state.callSid !== params.callSid || state.call.channel !== 'twilio-ivr') {
      this.#logger.warn({ callId: params.callId, tenantId: params.tenantId, found: state !== undefined }, 'ivr webhook for an unknown call');
      return hangup([]);
    }
    const voice = ivrVoiceOf(company.voiceConfig);
    if (state.call.status !== 'active') return hangup([], voice);
    if (this.#pastMaxDuration(state.call)) {
      const goodbye = phrasesFor(voice.language).goodbyeMaxDuration;
      await this.#store.appendTurns(state, [{ role: 'assistant', text: goodbye }]);
      await this.#store.end(state.call, 'max_duration');
      return hangup([goodbye], voice);
    }
    return { ok: true, state, company, voice };
  }

  #pastMaxDuration(call: CallRow): boolean {
    const startedAt = call.startedAt ?? call.createdAt;
    return this.#clock.nowMs() - startedAt.getTime() >= call.agentSnapshot.maxDurationS * 1000;
  }
}
