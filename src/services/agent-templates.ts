import type { AgentFields } from '../store/queries/agents.ts';
import { handlehomeTemplate } from './handlehome/template.ts';

/** Ready-made agents a tenant can start from. Every field can be changed afterwards. */
export const agentTemplates = {
  assistant: {
    name: 'Assistant',
    instructions:
      'You are a friendly, concise voice assistant. Speak naturally in short sentences, ask one question at a time, and say so plainly when you do not know something.',
    voice: 'marin',
    language: 'en',
    engine: 'openai-realtime',
    engineOptions: {},
    tools: [],
    analysis: {},
    coaching: {},
    maxDurationS: 600,
    warningBeforeEndS: 15,
    warningMessage: 'We are almost out of time, so I will have to go in a moment.',
  },
  'aero-english-tutor': {
    name: 'Aero English tutor',
    instructions: [
      'You are Aero, a friendly female English teacher on a practice phone call.',
      'Speak English only, in short, clear sentences, and understand broken English.',
      "First gently correct the grammar or vocabulary of the learner's last sentence, then continue the conversation naturally.",
      "For example: \"You said 'I go store', but the correct way is 'I went to the store'. Now, what did you buy?\"",
      'Encourage the learner to talk more than you do. Reply fast and naturally.',
    ].join(' '),
    voice: 'shimmer',
    language: 'en',
    engine: 'openai-realtime',
    engineOptions: {},
    tools: [],
    analysis: {},
    coaching: {},
    maxDurationS: 300,
    warningBeforeEndS: 15,
    warningMessage: 'I need to go now, but it was good to talk with you. Let us continue next time!',
  },
  /** HandleHome's restaurant phone line: books with its tools, turns each call into records (docs/handlehome.md). */
  handlehome: handlehomeTemplate,
} as const satisfies Record<string, AgentFields>;

export type AgentTemplateName = keyof typeof agentTemplates;

export function agentFromTemplate(name: AgentTemplateName): AgentFields {
  const template = agentTemplates[name];
  return { ...template, engineOptions: { ...template.engineOptions }, tools: [...template.tools] };
}
