import type { Conversation } from './conversation.ts';
import type { InputAudioBuffer } from './input-audio.ts';
import type { ResolvedOptions } from './options.ts';
import type { TurnScriptQueue } from './script.ts';
import type { FakeSessionConfig } from './session-config.ts';
import type { OutgoingServerEvent } from './types.ts';

/** What the per-event handlers of a session may see and do (implemented by `FakeSession`). */
export interface SessionCore {
  readonly id: string;
  readonly options: ResolvedOptions;
  readonly conversation: Conversation;
  readonly input: InputAudioBuffer;
  /** Session script first, then the server-wide one. */
  readonly scripts: readonly TurnScriptQueue[];
  readonly config: FakeSessionConfig;
  send(event: OutgoingServerEvent): void;
  /** Counts committed user audio turns; returns the index of the new one. */
  nextUserTurn(): number;
}
