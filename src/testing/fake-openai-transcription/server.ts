/**
 * A protocol-faithful fake of OpenAI's `POST /v1/audio/transcriptions` for tests: multipart/form-data
 * with a `file` and a `model`, `Authorization: Bearer`, the `verbose_json` answer with `words` when
 * `timestamp_granularities[]=word` is asked (and a 400 when word timestamps are asked without
 * `verbose_json`, as the real API does). The "speech" it hears is the audio's energy: each run of
 * 20 ms windows above −40 dBFS, with gaps under 200 ms closed, is one word `word1`, `word2`, … with the
 * run's start and end, so tests can check word timings against the audio they sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rms } from '../../audio/levels.ts';
import { decodeWav } from '../../audio/wav.ts';

export const FAKE_TRANSCRIPTION_API_KEY = 'sk-fake-transcription-key';
const path = '/v1/audio/transcriptions';
const maxBodyBytes = 26 * 1024 * 1024;

/** One accepted request. */
export interface RecordedTranscriptionRequest {
  readonly fileName: string;
  readonly model: string;
  readonly responseFormat: string;
  readonly timestampGranularities: readonly string[];
  readonly sampleRateHz: number;
  readonly channels: number;
  readonly durationS: number;
}

export interface FakeOpenAiTranscription {
  /** `http://127.0.0.1:PORT/v1`, the `baseURL` of the `openai` client. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly requests: readonly RecordedTranscriptionRequest[];
  /** Answers the next requests with these HTTP statuses (an OpenAI error body) instead of a transcript. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, message: string, param: string | null = null): void {
  send(res, status, { error: { message, type: 'invalid_request_error', param, code: null } });
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Words from energy: runs of loud 20 ms windows, gaps under 200 ms closed. */
function wordsOf(samples: Int16Array, rateHz: number): { word: string; start: number; end: number }[] {
  const window = Math.round(rateHz / 50);
  const runs: [number, number][] = [];
  for (let start = 0; start + window <= samples.length; start += window) {
    if (rms(samples.subarray(start, start + window)) < 328) continue; // −40 dBFS
    const last = runs.at(-1);
    if (last !== undefined && start - last[1] < rateHz / 5) last[1] = start + window;
    else runs.push([start, start + window]);
  }
  return runs.map(([from, to], i) => ({ word: `word${i + 1}`, start: from / rateHz, end: to / rateHz }));
}

async function handle(req: IncomingMessage, res: ServerResponse, state: { requests: RecordedTranscriptionRequest[]; failures: number[]; apiKey: string }): Promise<void> {
  if (req.method !== 'POST' || req.url !== path) { error(res, 404, `Unknown path ${req.method ?? ''} ${req.url ?? ''}`); return; }
  if (req.headers.authorization !== `Bearer ${state.apiKey}`) { error(res, 401, 'Incorrect API key provided'); return; }
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) { error(res, 400, 'The request must be multipart/form-data'); return; }
  const body = await readBody(req);
  if (body === null) { error(res, 413, 'Maximum content size limit (26214400) exceeded'); return; }
  // undici's multipart parser is deprecated for servers (no streaming limits); the body here is already capped and a test fake.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  const file = form.get('file');
  const model = form.get('model');
  if (!(file instanceof Blob)) { error(res, 400, "you must provide a 'file'", 'file'); return; }
  if (typeof model !== 'string' || model === '') { error(res, 400, "you must provide a 'model'", 'model'); return; }
  const format = form.get('response_format');
  const responseFormat = typeof format === 'string' ? format : 'json';
  const granularities = [...form.getAll('timestamp_granularities[]'), ...form.getAll('timestamp_granularities')].filter((v): v is string => typeof v === 'string');
  if (granularities.length > 0 && responseFormat !== 'verbose_json') {
    error(res, 400, 'timestamp_granularities requires response_format=verbose_json', 'timestamp_granularities'); return;
  }
  let wav;
  try {
    wav = decodeWav(new Uint8Array(await file.arrayBuffer()));
  } catch {
    error(res, 400, 'Invalid file format. Supported formats: flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm', 'file'); return;
  }
  const durationS = wav.samples.length / wav.channels / wav.sampleRateHz;
  const fileName = file instanceof File ? file.name : 'file';
  state.requests.push({ fileName, model, responseFormat, timestampGranularities: granularities, sampleRateHz: wav.sampleRateHz, channels: wav.channels, durationS });
  const failure = state.failures.shift();
  if (failure !== undefined) { error(res, failure, `Scripted failure ${failure}`); return; }
  const mono = wav.channels === 1 ? wav.samples : wav.samples.filter((_, i) => i % wav.channels === 0);
  const words = wordsOf(mono, wav.sampleRateHz);
  const text = words.map((w) => w.word).join(' ');
  if (responseFormat !== 'verbose_json') { send(res, 200, { text }); return; }
  send(res, 200, { task: 'transcribe', language: 'english', duration: durationS, text, ...(granularities.includes('word') ? { words } : {}), segments: [] });
}

export async function startFakeOpenAiTranscription(options: { apiKey?: string } = {}): Promise<FakeOpenAiTranscription> {
  const state = { requests: [] as RecordedTranscriptionRequest[], failures: [] as number[], apiKey: options.apiKey ?? FAKE_TRANSCRIPTION_API_KEY };
  const server: Server = createServer((req, res) => {
    handle(req, res, state).catch((err: unknown) => {
      error(res, 500, err instanceof Error ? err.message : 'fake failure');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey: state.apiKey,
    requests: state.requests,
    failNext: (...statuses) => {
      state.failures.push(...statuses);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      }),
  };
}
