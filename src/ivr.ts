/**
 * The classic IVR (docs/ivr.md), composed: the turn logic over the store and the company profiles,
 * the chat model behind `OPENAI_BASE_URL` (or none without `OPENAI_API_KEY`: keyword responses still
 * work, other questions get the fallback line), and the webhooks answering Twilio with TwiML. Part of
 * the composition root.
 */
import type { Config } from './config/config.ts';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import { IvrWebhooks } from './http/twilio-ivr/ivr-webhooks.ts';
import { missingChatModel, type ChatModel } from './services/ivr/chat-model.ts';
import { IvrCalls } from './services/ivr/ivr-calls.ts';
import { OpenAiChatModel } from './services/ivr/openai-chat-model.ts';
import { Companies } from './services/companies/companies.ts';
import type { Database } from './store/database.ts';

export interface IvrDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The tenant's open calls, as the concurrent-call cap counts them. */
  readonly countOpenCalls: (tenantId: string) => Promise<number>;
}

function chatModelOf(config: Config, logger: Logger): ChatModel {
  const { apiKey, baseUrl, chatModel } = config.openai;
  if (apiKey === undefined) {
    logger.info('OPENAI_API_KEY is not set: IVR numbers answer with keyword responses only (other questions get a fallback line)');
    return missingChatModel;
  }
  return new OpenAiChatModel({ apiKey, baseUrl, model: chatModel });
}

export function createIvr(deps: IvrDeps): IvrWebhooks {
  const { config, db, clock } = deps;
  const logger = deps.logger.child({ component: 'ivr' });
  const ivr = new IvrCalls({
    db,
    clock,
    companies: new Companies({ db, clock }),
    model: chatModelOf(config, logger),
    logger,
    concurrency: { countOpenCalls: deps.countOpenCalls, max: config.security.maxConcurrentCallsPerTenant },
  });
  return new IvrWebhooks({ ivr, publicUrl: config.http.publicUrl, logger });
}
