export { FAKE_OPENAI_CHAT_API_KEY, startFakeOpenAiChat, type FakeOpenAiChat, type FakeOpenAiChatOptions, type RecordedChatRequest } from './server.ts';
export { failure, hang, json, offSchema, scriptByFormat, text, type Responder, type ScriptedReply } from './replies.ts';
export { messageText, type ChatCompletionRequest, type FakeChatMessage } from './request-schema.ts';
export { strictSchemaProblems, valueProblems } from './json-schema-check.ts';
