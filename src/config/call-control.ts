import { z } from 'zod';

const milliseconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The environment variables of cross-instance call control (docs/calls.md); spread into the config schema. */
export const callControlEnvShape = {
  CALL_END_WAIT_MS: milliseconds(100, 60_000, 5_000),
  CALL_END_ACK_MS: milliseconds(20, 60_000, 1_000),
};

type CallControlEnv = z.infer<z.ZodObject<typeof callControlEnvShape>>;

/** How an instance asked to end a call it does not run hands the request to the instance that does. */
export interface CallControlConfig {
  /** Longest wait for the instance running the call to end it; then the record is ended here. */
  readonly endWaitMs: number;
  /** Longest wait for any instance to answer that it runs the call; no answer: none does, the record is ended here. */
  readonly endAckMs: number;
}

export function callControlProblems(e: CallControlEnv): string[] {
  if (e.CALL_END_ACK_MS > e.CALL_END_WAIT_MS) {
    return [`CALL_END_ACK_MS: must not exceed CALL_END_WAIT_MS (${String(e.CALL_END_WAIT_MS)}): the answer is awaited within the wait`];
  }
  return [];
}

export function callControlConfigOf(e: CallControlEnv): CallControlConfig {
  return { endWaitMs: e.CALL_END_WAIT_MS, endAckMs: e.CALL_END_ACK_MS };
}
