/** Speech analytics: the public entry points (docs/speech-analysis.md). */

export { createSpeechAnalyser } from './speech-analyser.ts';
export { computeConversation, conversationFromAnalysers, type ConversationOptions } from './conversation.ts';
export { ConversationStream } from './conversation-stream.ts';
export { detectFillers, type FillerMatch } from './fillers.ts';
export * from './types.ts';
