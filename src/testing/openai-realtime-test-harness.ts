/**
 * Test support for this engine's scenario tests (never imported by product code): a silent
 * capturing logger, a session config with defaults, an engine-event recorder and audio pacing.
 * The fake upstream itself comes from `src/testing/fake-openai-realtime/` in each test file.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { bytesForMs, type AudioFormat } from '../audio/format.ts';
import { systemClock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { EngineEvent, EngineSession, EngineSessionConfig } from '../runtime/ports.ts';

export const PCM24K: AudioFormat = { encoding: 'pcm16', sampleRateHz: 24_000 };
export const MULAW8K: AudioFormat = { encoding: 'mulaw', sampleRateHz: 8_000 };

/** A debug-level logger whose JSON lines are kept in memory instead of printed. */
export function capturingLogger(): { readonly logger: Logger; readonly lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, destination), lines };
}

export function sessionConfig(overrides: Partial<EngineSessionConfig> = {}): EngineSessionConfig {
  return {
    callId: 'call_test',
    instructions: 'You are a helpful phone agent.',
    voice: 'marin',
    language: 'en-US',
    tools: [],
    inputFormat: PCM24K,
    outputFormat: PCM24K,
    options: {},
    history: [],
    logger: capturingLogger().logger,
    clock: systemClock,
    ...overrides,
  };
}

type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** Records every engine event; `next(type)` returns each event of a type once, in order. */
export class EventRecorder {
  readonly events: EngineEvent[] = [];
  readonly #cursors = new Map<string, number>();
  readonly #listeners = new Set<() => void>();

  constructor(session: EngineSession) {
    session.events.onAny((event) => {
      this.events.push(event);
      for (const listener of this.#listeners) listener();
    });
  }

  all<T extends EngineEvent['type']>(type: T): Array<EventOf<T>> {
    return this.events.filter((event): event is EventOf<T> => event.type === type);
  }

  next<T extends EngineEvent['type']>(type: T, where: (event: EventOf<T>) => boolean = () => true, timeoutMs = 5_000): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        for (let index = this.#cursors.get(type) ?? 0; index < this.events.length; index += 1) {
          const event = this.events[index];
          if (event?.type !== type || !where(event as EventOf<T>)) continue;
          this.#cursors.set(type, index + 1);
          finish();
          resolve(event as EventOf<T>);
          return;
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`No '${type}' engine event within ${String(timeoutMs)} ms; got: ${this.events.map((event) => event.type).join(', ')}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }
}

/** Sends audio to the session in `chunkMs` pieces, as a transport would (all at once: the fake's VAD needs no real time). */
export function sendInChunks(session: EngineSession, audio: Uint8Array, format: AudioFormat, chunkMs = 20): void {
  const chunkBytes = bytesForMs(format, chunkMs);
  for (let offset = 0; offset < audio.length; offset += chunkBytes) {
    session.sendAudio({ format, data: audio.subarray(offset, offset + chunkBytes) });
  }
}

/** Total bytes of assistant audio the session emitted for `itemId`. */
export function assistantAudioBytes(recorder: EventRecorder, itemId: string): number {
  return recorder.all('assistant_audio').reduce((total, event) => (event.itemId === itemId ? total + event.chunk.data.length : total), 0);
}

/** Resolves once `condition` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
