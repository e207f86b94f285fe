import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSessionMeasurements } from '../../store/queries/aura-sessions.ts';
import { failure, json, startFakeOpenAiChat, text, type FakeOpenAiChat } from '../../testing/fake-openai-chat/index.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

const speech = readFileSync(new URL('../../testing/fixtures/aura/speech.wav', import.meta.url));

let fake: FakeOpenAiChat;
let app: TestApplication;
let plain: TestApplication;
let member: TestUser;
let other: TestUser;
beforeAll(async () => {
  fake = await startFakeOpenAiChat();
  app = await startTestApplication({ env: { OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl, OPENAI_CHAT_MODEL: 'gpt-test' } });
  plain = await startTestApplication();
  member = await createTestUser(app, { role: 'member' });
  other = await createTestUser(app, { role: 'member', tenant: member.tenant });
});
afterAll(async () => {
  await app.close();
  await plain.close();
  await fake.close();
});

interface Feedback {
  id: string;
  kind: string;
  source: 'rules' | 'model';
  fallback_reason: string | null;
  language: string;
  summary: string;
  strengths: string[];
  improvements: { area: string; issue: string; tip: string; why: string }[];
  next_focus: string | null;
  scores: { overall: number | null; pace: number | null };
  feedback_items: { rule: string; message: string }[];
}

const coaching = {
  summary: 'Bon rythme, voix claire.',
  strengths: ['Voix posée'],
  improvements: [{ area: 'pace', issue: 'Un peu rapide', tip: 'Marquez des pauses', why: 'Le public suit mieux' }],
  encouragement: 'Continuez !',
  next_focus: 'pace',
};

async function sessionWithAudio(target: TestApplication, who: TestUser, body: object = { language: 'fr' }): Promise<string> {
  const id = (await target.http.inject({ method: 'POST', url: '/api/v1/sessions', headers: who.headers, payload: body })).json<{ id: string }>().id;
  const res = await target.http.inject({ method: 'POST', url: `/api/v1/sessions/${id}/audio/upload`, headers: { ...who.headers, 'content-type': 'audio/wav' }, payload: speech });
  expect(res.statusCode, res.body).toBe(200);
  return id;
}

const generate = (target: TestApplication, who: TestUser, id: string, payload?: object) =>
  target.http.inject({ method: 'POST', url: `/api/v1/sessions/${id}/feedback/generate`, headers: who.headers, ...(payload ? { payload } : {}) });

describe('feedback/generate', () => {
  it('asks the model in the session’s language with structured output, and keeps our measured scores', async () => {
    const id = await sessionWithAudio(app, member);
    const before = fake.requests.length;
    fake.enqueue(json(coaching));
    const res = await generate(app, member, id, { focus_areas: ['pace'], custom_prompt: 'Je présente demain.' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Feedback>();
    expect(body).toMatchObject({ kind: 'coaching', source: 'model', fallback_reason: null, language: 'fr', summary: coaching.summary, strengths: coaching.strengths, improvements: coaching.improvements, next_focus: 'pace' });
    expect(body.scores.overall).toEqual(expect.any(Number));
    const request = fake.requests[before]?.body;
    expect(request?.model).toBe('gpt-test');
    expect(request?.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true, name: 'coaching_feedback' } });
    const system = request?.messages[0];
    expect(JSON.stringify(system)).toContain('Répondez en français');
    expect(JSON.stringify(request?.messages[1])).toContain('Je présente demain.');
    // Stored: the feedback list has it.
    const list = (await app.http.inject({ url: `/api/v1/sessions/${id}/feedback?feedback_type=coaching`, headers: member.headers })).json<{ feedback: Feedback[]; total: number }>();
    expect(list.total).toBe(1);
    expect(list.feedback[0]).toMatchObject({ id: body.id, source: 'model' });
  });

  it('falls back to the rules when the model answers invalid JSON, JSON of the wrong shape, or fails', async () => {
    const id = await sessionWithAudio(app, member);
    fake.enqueue(text('Voici mes conseils : parlez moins vite.'));
    const notJson = (await generate(app, member, id)).json<Feedback>();
    expect(notJson).toMatchObject({ source: 'rules', fallback_reason: 'invalid_model_output', language: 'fr' });
    expect(notJson.summary).toMatch(/^Score global \d+\/100/);

    fake.enqueue(text(JSON.stringify({ ...coaching, next_focus: 'charisma' })));
    expect((await generate(app, member, id)).json<Feedback>()).toMatchObject({ source: 'rules', fallback_reason: 'invalid_model_output' });

    fake.enqueue(failure(500));
    const failed = await generate(app, member, id);
    expect(failed.statusCode).toBe(200);
    expect(failed.json<Feedback>()).toMatchObject({ source: 'rules', fallback_reason: 'model_failed' });
    expect(failed.json<Feedback>().scores.overall).toEqual(expect.any(Number));
  });

  it('uses the rules, saying so, when no model is configured or the session turned AI coaching off', async () => {
    const user = await createTestUser(plain, { role: 'member' });
    const id = await sessionWithAudio(plain, user, { language: 'en' });
    expect((await generate(plain, user, id)).json<Feedback>()).toMatchObject({ source: 'rules', fallback_reason: 'model_not_configured', language: 'en' });
    const before = fake.requests.length;
    const off = await sessionWithAudio(app, member, { config: { ai_coaching: false } });
    expect((await generate(app, member, off)).json<Feedback>()).toMatchObject({ source: 'rules', fallback_reason: 'ai_coaching_off' });
    expect(fake.requests.length).toBe(before);
  });

  it('refuses unknown focus areas and others’ sessions', async () => {
    const id = await sessionWithAudio(app, member);
    expect((await generate(app, member, id, { focus_areas: ['charisma'] })).statusCode).toBe(400);
    expect((await generate(app, other, id)).statusCode).toBe(404);
    expect((await app.http.inject({ url: `/api/v1/sessions/${id}/feedback`, headers: other.headers })).statusCode).toBe(404);
    expect((await app.http.inject({ url: `/api/v1/sessions/${id}/analytics`, headers: other.headers })).statusCode).toBe(404);
    expect((await app.http.inject({ url: `/api/v1/sessions/${id}/feedback` })).statusCode).toBe(401);
  });
});

describe('completing a session', () => {
  it('stores its report and answers analytics with a timeline, trend, benchmarks and progress', async () => {
    const id = await sessionWithAudio(app, member, { language: 'en' });
    await app.http.inject({ method: 'POST', url: `/api/v1/sessions/${id}/audio/upload`, headers: { ...member.headers, 'content-type': 'audio/wav' }, payload: speech });
    fake.enqueue(json({ ...coaching, summary: 'Clear voice.' }));
    const done = await app.http.inject({ method: 'PUT', url: `/api/v1/sessions/${id}`, headers: member.headers, payload: { status: 'completed' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', ended_at: expect.any(String) as string });
    const reports = (await app.http.inject({ url: `/api/v1/sessions/${id}/feedback?feedback_type=report`, headers: member.headers })).json<{ feedback: Feedback[] }>();
    expect(reports.feedback).toHaveLength(1);
    expect(reports.feedback[0]).toMatchObject({ kind: 'report', source: 'model', summary: 'Clear voice.' });

    const analytics = await app.http.inject({ url: `/api/v1/sessions/${id}/analytics`, headers: member.headers });
    expect(analytics.statusCode, analytics.body).toBe(200);
    const a = analytics.json<{ totals: { chunks: number }; timeline: unknown[]; session_trend: { direction: string }; benchmarks: { metric: string; position: string }[]; trends: { sessions: number } }>();
    expect(a.totals.chunks).toBe(2);
    expect(a.timeline).toHaveLength(2);
    expect(a.session_trend.direction).toBe('insufficient_data');
    expect(a.benchmarks.map((b) => b.metric)).toEqual(expect.arrayContaining(['syllables_per_second', 'pitch_variability_st', 'level_dbfs']));
    expect(a.trends.sessions).toBeGreaterThan(0);
    const lean = (await app.http.inject({ url: `/api/v1/sessions/${id}/analytics?include_trends=false&include_benchmarks=false`, headers: member.headers })).json<object>();
    expect(lean).not.toHaveProperty('trends');
    expect(lean).not.toHaveProperty('benchmarks');
  });
});

describe('progress and milestones from stored sessions', () => {
  it('finds a 10 % improvement over the rolling baseline when a session completes, once, and reports it in stats and analytics', async () => {
    const user = await createTestUser(plain, { role: 'member' });
    const ids: string[] = [];
    for (const overall of [60, 62, 58, 67]) {
      const id = (await plain.http.inject({ method: 'POST', url: '/api/v1/sessions', headers: user.headers, payload: {} })).json<{ id: string }>().id;
      const dimensions = { pace: overall, pauses: overall, intonation: overall, volume: overall, clarity: overall, fluency: null };
      const snapshot = { durationMs: 60_000, speechMs: 45_000, levelDbfs: -20, clippedRatio: 0, snrDb: 30, pitchMedianHz: 110, pitchVariabilitySt: 3, monotone: false, pauseCount: 8, longPauseCount: 0, meanPauseMs: 500, syllablesPerSecond: 4, wordsPerMinute: null, wordCount: null, fillerCount: null };
      await saveSessionMeasurements(plain.database.db, { tenantId: user.tenant.id, sessionId: id, state: { chunks: 1, analysedMs: 60_000, speechMs: 45_000 }, snapshot, scores: { overall, dimensions }, at: new Date() });
      const done = await plain.http.inject({ method: 'PUT', url: `/api/v1/sessions/${id}`, headers: user.headers, payload: { status: 'completed' } });
      expect(done.statusCode, done.body).toBe(200);
      ids.push(id);
    }
    const stats = (await plain.http.inject({ url: '/api/v1/user/stats', headers: user.headers })).json<{ sessions: number; total_speaking_seconds: number; milestones: { kind: string; session_id: string; data: Record<string, number> }[]; personal_bests: { metric: string; score: number }[]; trends: { overall: { points: number } } }>();
    expect(stats.sessions).toBe(4);
    expect(stats.total_speaking_seconds).toBe(180);
    // 67 against the mean of 60, 62, 58 = 60: +11.7 %.
    expect(stats.milestones).toEqual([expect.objectContaining({ kind: 'significant_improvement', session_id: ids[3], data: { baseline: 60, score: 67, improvement: 0.117 } })]);
    expect(stats.personal_bests.find((b) => b.metric === 'overall')?.score).toBe(67);
    expect(stats.trends.overall.points).toBe(4);
    const analytics = (await plain.http.inject({ url: `/api/v1/sessions/${ids[3] ?? ''}/analytics`, headers: user.headers })).json<{ milestones: { kind: string }[] }>();
    expect(analytics.milestones.map((m) => m.kind)).toEqual(['significant_improvement']);
    // Stored once: completing more work does not announce it again.
    expect((await plain.http.inject({ url: '/api/v1/user/stats', headers: user.headers })).json<{ milestones: unknown[] }>().milestones).toHaveLength(1);
  });
});
