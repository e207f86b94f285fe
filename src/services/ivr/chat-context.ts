import { weekdays } from '../companies/business-hours.ts';
import type { Company } from '../companies/companies.ts';
import { renderGreeting } from '../companies/greeting.ts';
import type { ChatMessage } from './chat-model.ts';

/** How many turns of the conversation (caller and assistant, the current utterance included) the model sees. */
export const contextTurns = 10;

/** A stored turn as the model sees it. */
export interface ConversationTurn {
  readonly role: 'user' | 'assistant' | 'system' | 'tool';
  readonly text: string;
}

export type CompanyFacts = Pick<Company, 'name' | 'description' | 'phone' | 'email' | 'website' | 'address' | 'businessHours' | 'voiceAssistant' | 'voiceConfig'>;

function listLine(label: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [`${label}: ${items.join('; ')}`];
}

function hoursLines(hours: Company['businessHours']): string[] {
  const days = weekdays.map((day) => {
    const h = hours[day];
    return `${day} ${h.closed ? 'closed' : `${h.open}-${h.close}`}`;
  });
  return [`Opening hours (${hours.timeZone} time): ${days.join(', ')}`];
}

function addressLine(address: Company['address']): string[] {
  if (!address) return [];
  const parts = [address.street, address.postalCode, address.city, address.state, address.country].filter((p): p is string => p !== undefined && p !== '');
  return parts.length === 0 ? [] : [`Address: ${parts.join(', ')}`];
}

/**
 * The system prompt of an IVR reply: the company's own prompt (`{{companyName}}` filled in), then
 * what the company told us about itself, then the rules of speaking on the phone. Company facts are
 * data, not instructions; the caller's words only ever arrive as `user` messages.
 */
export function ivrSystemPrompt(company: CompanyFacts, options: { readonly transferAvailable: boolean }): string {
  const info = company.voiceAssistant.companyInfo;
  const facts = [
    `Company: ${company.name}`,
    ...(company.description ? [`About: ${company.description}`] : []),
    ...listLine('Products', info.products),
    ...listLine('Services', info.services),
    ...hoursLines(company.businessHours),
    ...addressLine(company.address),
    ...(company.phone ? [`Phone: ${company.phone}`] : []),
    ...(company.email ? [`Email: ${company.email}`] : []),
    ...(company.website ? [`Website: ${company.website}`] : []),
  ];
  const faq = info.faq.length === 0 ? [] : ['Frequently asked questions:', ...info.faq.map((f) => `Q: ${f.question}\nA: ${f.answer}`)];
  const rules = [
    `You are speaking on the telephone. Reply in the language ${company.voiceConfig.language}, in one to three short sentences of plain spoken text:`,
    'no lists, no markdown, no emoji, no links. Use only the facts above; when you do not know, say so',
    options.transferAvailable ? 'and offer to put the caller through to an advisor.' : 'and suggest contacting the company another way.',
  ];
  return [renderGreeting(company.voiceAssistant.prompts.baseSystemPrompt, company), '', ...facts, ...(faq.length > 0 ? ['', ...faq] : []), '', rules.join(' ')].join('\n');
}

/**
 * The messages of an IVR reply: the system prompt, then the last `contextTurns` caller and
 * assistant turns in order, the caller's current utterance last (it is stored before the model is
 * asked). The seed sent the same ten-turn window; older turns are left out, never summarised.
 */
export function ivrChatMessages(company: CompanyFacts, transcript: readonly ConversationTurn[], options: { readonly transferAvailable: boolean }): ChatMessage[] {
  const turns = transcript.filter((t): t is ConversationTurn & { role: 'user' | 'assistant' } => t.role === 'user' || t.role === 'assistant').slice(-contextTurns);
  return [{ role: 'system', content: ivrSystemPrompt(company, options) }, ...turns.map((t) => ({ role: t.role, content: t.text }))];
}
