export { FAKE_TRANSCRIPTION_API_KEY, startFakeOpenAiTranscription, type FakeOpenAiTranscription, type RecordedTranscriptionRequest } from './server.ts';
