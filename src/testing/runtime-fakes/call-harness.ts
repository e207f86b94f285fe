import type { Logger } from '../../core/logger.ts';
import { CallSession, type AgentSettings, type CallSessionOptions } from '../../runtime/call-session.ts';
import type { CallAudioObserver, ConversationTurn, ToolRunner } from '../../runtime/ports.ts';
import { FakeTransport, type FakeTransportOptions } from './fake-transport.ts';
import { ManualClock } from '../manual-clock.ts';
import { RecordingSink } from './recording-sink.ts';
import { ScriptedEngine, type ScriptedEngineOptions, type ScriptedEngineSession } from './scripted-engine.ts';
import { silentLogger } from './test-logger.ts';

/** An agent like the Aero template: five minutes, warned fifteen seconds before the end. */
export const testAgent: AgentSettings = {
  instructions: 'You are a friendly test agent.',
  voice: 'alloy',
  language: 'en',
  tools: [],
  engineOptions: {},
  maxDurationS: 300,
  warningBeforeEndS: 15,
  warningMessage: 'I need to go now, but it was good to talk with you.',
};

export interface TestCallOptions {
  readonly callId?: string;
  readonly transport?: Omit<FakeTransportOptions, 'clock'>;
  readonly engine?: Omit<ScriptedEngineOptions, 'clock'>;
  readonly agent?: Partial<AgentSettings>;
  readonly toolRunner?: ToolRunner;
  readonly history?: readonly ConversationTurn[];
  readonly options?: Partial<CallSessionOptions>;
  readonly logger?: Logger;
  readonly observers?: readonly CallAudioObserver[];
  /** The clock every fake shares (default a new `ManualClock`). */
  readonly clock?: ManualClock;
  /** Call `start()` and wait for it (default true). */
  readonly start?: boolean;
}

/** A {@link CallSession} wired to fakes that share one {@link ManualClock}. */
export interface TestCall {
  readonly clock: ManualClock;
  readonly transport: FakeTransport;
  readonly engine: ScriptedEngine;
  readonly sink: RecordingSink;
  readonly session: CallSession;
  /** The engine session the call opened (throws before it opened). */
  readonly engineSession: ScriptedEngineSession;
  /** Lets queued sink writes and tool calls settle. */
  readonly idle: () => Promise<void>;
}

/** Builds a call over fakes and (by default) starts it. */
export async function startTestCall(options: TestCallOptions = {}): Promise<TestCall> {
  const clock = options.clock ?? new ManualClock();
  const transport = new FakeTransport({ ...options.transport, clock });
  const engine = new ScriptedEngine({ ...options.engine, clock });
  const sink = new RecordingSink();
  const session = new CallSession({
    callId: options.callId ?? 'call-1',
    engine,
    transport,
    sink,
    clock,
    logger: options.logger ?? silentLogger(),
    agent: { ...testAgent, ...options.agent },
    ...(options.toolRunner === undefined ? {} : { toolRunner: options.toolRunner }),
    ...(options.history === undefined ? {} : { history: options.history }),
    ...(options.options === undefined ? {} : { options: options.options }),
    ...(options.observers === undefined ? {} : { observers: options.observers }),
  });
  if (options.start ?? true) await session.start();
  return {
    clock,
    transport,
    engine,
    sink,
    session,
    get engineSession() {
      return engine.session;
    },
    idle: () => session.whenIdle(),
  };
}
