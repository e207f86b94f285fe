/**
 * Starts the repository's fake OpenAI Realtime server (src/testing/fake-openai-realtime/) on its own,
 * so that voice calls can be tried without an OpenAI key. A development and test tool, never a
 * fallback: the replies are canned ("You said: …"), the caller's words are "User turn 1.", "User turn 2."…
 * and the audio is a tone.
 *
 * Run: `npm run fake:openai [-- --port 4010]`, then start the server with the two lines it prints.
 * Ctrl-C (or SIGTERM) closes it.
 */
import { parseArgs } from 'node:util';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime } from '../src/testing/fake-openai-realtime/index.ts';

const DEFAULT_PORT = 4010;

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`--port: must be an integer from 1 to 65535, got ${value}`);
    process.exit(2);
  }
  return port;
}

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = portOf(values.port);

// A long-running process: keep no audio events in memory (sessions still count them).
const fake = await startFakeOpenAIRealtime({ port, recordAudioEvents: false, recordAudioPayloads: false }).catch((error: unknown) => {
  console.error(`The fake OpenAI Realtime server could not listen on 127.0.0.1:${port}:`, error instanceof Error ? error.message : error);
  process.exit(1);
});

console.log(`Fake OpenAI Realtime server listening on ${fake.baseUrl} (a test tool: canned replies, no real model).`);
console.log('Start Switchboard with:');
console.log(`  OPENAI_BASE_URL=${fake.baseUrl}`);
console.log(`  OPENAI_API_KEY=${FAKE_OPENAI_API_KEY}`);
console.log('Ctrl-C stops it.');

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await fake.close();
  console.log('Fake OpenAI Realtime server stopped.');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Closing the fake failed:', error);
        process.exit(1);
      },
    );
  });
}
