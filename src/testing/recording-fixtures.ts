import { newId } from '../core/ids.ts';
import type { CallAudioObserver } from '../runtime/ports.ts';
import { snapshotAgent } from '../services/calls.ts';
import { recordingObserverFactory, type RecordingObserverDeps } from '../services/recordings/recording-observers.ts';
import type { Database } from '../store/database.ts';
import { createCall } from '../store/queries/calls.ts';
import type { AgentRow, AgentRecordingSettings } from '../store/schema/agents.ts';
import type { CallRow } from '../store/schema/calls.ts';
import type { ManualClock } from './manual-clock.ts';
import { silentLogger } from './runtime-fakes/test-logger.ts';
import { PCM16_16K, toneChunk } from './runtime-fakes/test-audio.ts';

/** A call of `agent` (with these recording settings in its snapshot), owned by `userId`. */
export async function createRecordedCall(
  db: Database,
  clock: ManualClock,
  params: { tenantId: string; agent: AgentRow; userId: string | null; recording?: Partial<AgentRecordingSettings> },
): Promise<CallRow> {
  return createCall(db, {
    id: newId(),
    tenantId: params.tenantId,
    userId: params.userId,
    agentId: params.agent.id,
    agentSnapshot: { ...snapshotAgent(params.agent), recording: { enabled: true, retentionDays: 30, transcribe: false, ...params.recording } },
    channel: 'api',
    direction: 'inbound',
    metadata: {},
    at: new Date(clock.nowMs()),
  });
}

/**
 * Records `seconds` of a call through the product's recording observer (16 kHz PCM16 both ways): the
 * caller speaks a 440 Hz tone, the agent answers 1 kHz after a second. With `crash`, the recorder is
 * never closed (the process "died"): its row stays `recording` and the file keeps its streaming header.
 */
export async function recordCallFixture(
  db: Database,
  clock: ManualClock,
  params: { root: string; call: CallRow; seconds: number; crash?: boolean; onReady?: RecordingObserverDeps['onReady'] },
): Promise<CallAudioObserver> {
  const factory = recordingObserverFactory({ db, clock, logger: silentLogger(), root: params.root, ...(params.onReady === undefined ? {} : { onReady: params.onReady }) });
  const [recorder] = await factory(params.call, { caller: PCM16_16K, agent: PCM16_16K });
  if (recorder === undefined) throw new Error('the call’s agent does not record');
  const caller = toneChunk(PCM16_16K, 20, { frequencyHz: 440 });
  for (let ms = 0; ms < params.seconds * 1000; ms += 20) {
    if (ms === 1000) recorder.onAgentAudio('item-1', toneChunk(PCM16_16K, 1000, { frequencyHz: 1000 }), clock.nowMs());
    clock.advance(20);
    recorder.onCallerAudio(caller, clock.nowMs());
  }
  if (params.crash !== true) await recorder.close(clock.nowMs());
  return recorder;
}
