import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';

/**
 * Fails any test that writes to the console: product code logs through pino, and a stray print in a
 * test usually hides an unhandled problem. Tests that expect output spy on the console themselves.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let spies: MockInstance[] = [];

beforeEach(() => {
  spies = methods.map((method) => vi.spyOn(console, method));
});

afterEach(() => {
  const printed = spies.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(' ')));
  for (const spy of spies) spy.mockRestore();
  spies = [];
  if (printed.length > 0) {
    throw new Error(`Test printed to the console unexpectedly:\n${printed.join('\n')}`);
  }
});
