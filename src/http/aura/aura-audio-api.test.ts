import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

const fixture = (name: string) => readFileSync(new URL(`../../testing/fixtures/aura/${name}`, import.meta.url));

let app: TestApplication;
let member: TestUser;
let other: TestUser;
beforeAll(async () => {
  app = await startTestApplication();
  member = await createTestUser(app, { role: 'member' });
  other = await createTestUser(app, { role: 'member', tenant: member.tenant });
});
afterAll(async () => {
  await app.close();
});

async function newSession(who: TestUser = member, body: object = {}): Promise<string> {
  const res = await app.http.inject({ method: 'POST', url: '/api/v1/sessions', headers: who.headers, payload: body });
  return res.json<{ id: string }>().id;
}

/** A multipart body with the file in `file` (what FastAPI's UploadFile reads). */
function multipart(bytes: Buffer, filename: string, type: string, extra: Record<string, string> = {}): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----aura-test-boundary';
  const parts = [
    ...Object.entries(extra).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ];
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

interface Analysis {
  chunk_number: number;
  analysis: { voice_metrics: { duration_ms: number; speech_ms: number; pitch_median_hz: number | null; syllables_per_second: number | null; words_per_minute: number | null; filler_count: number | null }; scores: { overall: number | null } };
  session_scores: { overall: number | null };
  realtime_feedback: { rule: string; message: string }[];
  file?: { format: string; filename: string | null; source_sample_rate: number; duration_seconds: number };
}

describe('audio upload', () => {
  it.each([
    ['speech.wav', 'audio/wav', 'wav', 8000],
    ['speech.mp3', 'audio/mpeg', 'mp3', 8000],
    ['speech.m4a', 'audio/mp4', 'm4a', 8000],
    ['speech.ogg', 'audio/ogg', 'ogg', 8000],
  ])('decodes and analyses %s', async (name, type, format, rate) => {
    const id = await newSession();
    const { payload, headers } = multipart(fixture(name), name, type);
    const res = await app.http.inject({ method: 'POST', url: `/api/v1/sessions/${id}/audio/upload`, headers: { ...member.headers, ...headers }, payload });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Analysis>();
    expect(body.file).toMatchObject({ format, filename: name, source_sample_rate: expect.any(Number) as number });
    if (format === 'wav') expect(body.file?.source_sample_rate).toBe(rate);
    expect(body.file?.duration_seconds).toBeCloseTo(3, 1);
    // espeak-ng's default English voice speaks near 100 Hz: the measurement is real, whatever the codec.
    expect(body.analysis.voice_metrics.pitch_median_hz).toBeGreaterThan(80);
    expect(body.analysis.voice_metrics.pitch_median_hz).toBeLessThan(130);
    expect(body.analysis.voice_metrics.speech_ms).toBeGreaterThan(2000);
    expect(body.analysis.scores.overall).toEqual(expect.any(Number));
    const session = (await app.http.inject({ url: `/api/v1/sessions/${id}`, headers: member.headers })).json<{ state: { total_chunks: number; audio_seconds: number }; started_at: string | null }>();
    expect(session.state.total_chunks).toBe(1);
    expect(session.state.audio_seconds).toBeCloseTo(3, 1);
    expect(session.started_at).not.toBeNull();
  });

  it('takes a raw audio body, and a transcript for words per minute and fillers', async () => {
    const id = await newSession();
    const raw = await app.http.inject({ method: 'POST', url: `/api/v1/sessions/${id}/audio/upload`, headers: { ...member.headers, 'content-type': 'audio/wav' }, payload: fixture('speech.wav') });
    expect(raw.statusCode, raw.body).toBe(200);
    expect(raw.json<Analysis>().analysis.voice_metrics.words_per_minute).toBeNull();
    const { payload, headers } = multipart(fixture('speech.wav'), 'speech.wav', 'audio/wav', { transcript: 'Good morning everyone, um, today I will talk about our plan' });
    const withWords = await app.http.inject({ method: 'POST', url: `/api/v1/sessions/${id}/audio/upload`, headers: { ...member.headers, ...headers }, payload });
    const metrics = withWords.json<Analysis>().analysis.voice_metrics;
    expect(metrics.words_per_minute).toBeGreaterThan(100);
    expect(metrics.filler_count).toBe(1);
    expect(withWords.json<Analysis>().chunk_number).toBe(2);
  });

  it('refuses other formats, oversized files, a missing file field, and others’ sessions', async () => {
    const id = await newSession();
    const url = `/api/v1/sessions/${id}/audio/upload`;
    const flac = multipart(Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(64)]), 'talk.flac', 'audio/flac');
    const unsupported = await app.http.inject({ method: 'POST', url, headers: { ...member.headers, ...flac.headers }, payload: flac.payload });
    expect(unsupported.statusCode).toBe(415);
    expect(unsupported.json()).toMatchObject({ code: 'unsupported_media_type', detail: 'Unsupported audio format: upload WAV, MP3, M4A or OGG' });

    const big = Buffer.alloc(10 * 1024 * 1024 + 1);
    fixture('speech.wav').copy(big);
    const tooBig = multipart(big, 'long.wav', 'audio/wav');
    const refused = await app.http.inject({ method: 'POST', url, headers: { ...member.headers, ...tooBig.headers }, payload: tooBig.payload });
    expect(refused.statusCode).toBe(413);
    expect(refused.json<{ code: string; detail: string }>()).toMatchObject({ code: 'payload_too_large' });
    expect(refused.json<{ detail: string }>().detail).toContain('10 MB');
    const huge = await app.http.inject({ method: 'POST', url, headers: { ...member.headers, 'content-type': 'audio/wav' }, payload: Buffer.alloc(11 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);

    const broken = multipart(Buffer.concat([fixture('speech.mp3').subarray(0, 4), Buffer.alloc(100)]), 'broken.mp3', 'audio/mpeg');
    const bad = await app.http.inject({ method: 'POST', url, headers: { ...member.headers, ...broken.headers }, payload: broken.payload });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_audio' });

    const noFile = await app.http.inject({ method: 'POST', url, headers: { ...member.headers, 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x\r\nContent-Disposition: form-data; name="other"\r\n\r\nv\r\n--x--\r\n' });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json<{ detail: string }>().detail).toContain('"file"');

    const wav = multipart(fixture('speech.wav'), 'speech.wav', 'audio/wav');
    expect((await app.http.inject({ method: 'POST', url, headers: { ...other.headers, ...wav.headers }, payload: wav.payload })).statusCode).toBe(404);
    expect((await app.http.inject({ method: 'POST', url, headers: wav.headers, payload: wav.payload })).statusCode).toBe(401);
    // Nothing was stored by any refused upload.
    expect((await app.http.inject({ url: `/api/v1/sessions/${id}`, headers: member.headers })).json()).toMatchObject({ state: { total_chunks: 0 } });
  });
});

describe('chunk analysis', () => {
  const tone = (seconds: number, rate: number, hz: number, amplitude: number) =>
    Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate) * 1e4) / 1e4);

  it('analyses AURA’s float array, and base64 PCM16, numbering chunks in order', async () => {
    const id = await newSession();
    const url = `/api/v1/sessions/${id}/audio/analyze`;
    const floats = await app.http.inject({ method: 'POST', url, headers: member.headers, payload: { audio_array: tone(0.5, 16000, 150, 0.3), sample_rate: 16000, duration: 0.5 } });
    expect(floats.statusCode, floats.body).toBe(200);
    expect(floats.json<Analysis>()).toMatchObject({ chunk_number: 1, analysis: { voice_metrics: { duration_ms: 500 } } });
    const pcm = Buffer.alloc(16000);
    for (let i = 0; i < 8000; i += 1) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 200 * i) / 8000)), 2 * i);
    const b64 = await app.http.inject({ method: 'POST', url, headers: member.headers, payload: { audio_data: pcm.toString('base64'), sample_rate: 8000 } });
    expect(b64.statusCode, b64.body).toBe(200);
    expect(b64.json<Analysis>().chunk_number).toBe(2);
    expect(b64.json<Analysis>().analysis.voice_metrics.duration_ms).toBe(1000);
  });

  it('refuses both or neither audio field, a wrong duration, and a closed session', async () => {
    const id = await newSession();
    const url = `/api/v1/sessions/${id}/audio/analyze`;
    expect((await app.http.inject({ method: 'POST', url, headers: member.headers, payload: { sample_rate: 16000 } })).statusCode).toBe(400);
    const wrong = await app.http.inject({ method: 'POST', url, headers: member.headers, payload: { audio_array: tone(0.5, 16000, 150, 0.3), sample_rate: 16000, duration: 2 } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'invalid_audio' });
    await app.http.inject({ method: 'PUT', url: `/api/v1/sessions/${id}`, headers: member.headers, payload: { status: 'completed' } });
    const closed = await app.http.inject({ method: 'POST', url, headers: member.headers, payload: { audio_array: [0, 0.1], sample_rate: 16000 } });
    expect(closed.statusCode).toBe(409);
    expect(closed.json()).toMatchObject({ code: 'session_not_active' });
  });
});
