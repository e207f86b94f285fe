/**
 * Fakes for the call runtime's ports, shared by runtime, transport and engine tests. See each file:
 * `ManualClock` (a Clock that moves only when told; from `../manual-clock.ts`), `FakeTransport` (the caller's side),
 * `ScriptedEngine` (an engine whose events the test emits), `RecordingSink` (an in-memory CallSink),
 * `CountingEmitter` (counts live listeners), audio builders and loggers, and `startTestCall` which
 * wires a real CallSession to all of them.
 */
export { startTestCall, testAgent, type TestCall, type TestCallOptions } from './call-harness.ts';
export { CountingEmitter } from './counting-emitter.ts';
export { FakeTransport, type FakeTransportOptions, type SentAudio } from './fake-transport.ts';
export { ManualClock } from '../manual-clock.ts';
export { RecordingSink, type SinkWrite, type SinkWriteKind } from './recording-sink.ts';
export {
  ScriptedEngine,
  ScriptedEngineSession,
  type ScriptedEngineOptions,
  type ScriptedEvent,
} from './scripted-engine.ts';
export { MULAW_8K, PCM16_16K, PCM16_24K, silenceChunk, toneChunk } from './test-audio.ts';
export { capturingLogger, silentLogger } from './test-logger.ts';
