import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let app: TestApplication;
let admin: TestUser;
let member: TestUser;
let other: TestUser;
let stranger: TestUser;
beforeAll(async () => {
  app = await startTestApplication();
  admin = await createTestUser(app, { role: 'admin' });
  member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
  other = await createTestUser(app, { role: 'member', tenant: admin.tenant });
  stranger = await createTestUser(app, { role: 'admin' });
});
afterAll(async () => {
  await app.close();
});

interface Session {
  id: string;
  user_id: string;
  status: string;
  language: string;
  session_type: string;
  config: Record<string, unknown>;
  expires_at: string;
  created_at: string;
}

const as = (who: TestUser) => ({
  post: (url: string, payload?: object) => app.http.inject({ method: 'POST', url, headers: who.headers, ...(payload ? { payload } : {}) }),
  put: (url: string, payload: object) => app.http.inject({ method: 'PUT', url, headers: who.headers, payload }),
  get: (url: string) => app.http.inject({ url, headers: who.headers }),
  del: (url: string) => app.http.inject({ method: 'DELETE', url, headers: who.headers }),
});

describe('sessions CRUD', () => {
  it('creates with AURA’s config (defaults filled in), reads, updates and deletes', async () => {
    const created = await as(member).post('/api/v1/sessions', { title: 'Pitch', config: { language: 'fr', session_type: 'presentation', feedback_frequency: 3 } });
    expect(created.statusCode, created.body).toBe(201);
    const session = created.json<Session>();
    expect(session).toMatchObject({
      user_id: member.user.id,
      title: 'Pitch',
      status: 'active',
      language: 'fr',
      session_type: 'presentation',
      config: { language: 'fr', session_type: 'presentation', max_duration: 1800, feedback_frequency: 3, real_time_feedback: true, ai_coaching: true, store_audio: false },
      state: { total_chunks: 0, audio_seconds: 0, speaking_time: 0 },
      scores: null,
      started_at: null,
    });
    expect(Date.parse(session.expires_at) - Date.parse(session.created_at)).toBe(1800_000);
    expect((await as(member).get(`/api/v1/sessions/${session.id}`)).json()).toMatchObject({ id: session.id });

    const updated = await as(member).put(`/api/v1/sessions/${session.id}`, { title: 'Pitch v2', status: 'paused', config: { max_duration: 600, ai_coaching: false } });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ title: 'Pitch v2', status: 'paused', config: { max_duration: 600, ai_coaching: false, feedback_frequency: 3 } });

    const deleted = await as(member).del(`/api/v1/sessions/${session.id}`);
    expect(deleted.json()).toEqual({ message: 'Session deleted', session_id: session.id });
    const gone = await as(member).get(`/api/v1/sessions/${session.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'session_not_found', detail: 'Session not found' });
  });

  it('refuses bad input with the field named, and status changes a session cannot make', async () => {
    const bad = await as(member).post('/api/v1/sessions', { config: { feedback_frequency: 0, store_audio: true, colour: 'blue' } });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json<{ details: { path: string }[] }>().details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.config.feedback_frequency', 'body.config.store_audio', 'body.config.colour']));
    const { id } = (await as(member).post('/api/v1/sessions', {})).json<Session>();
    expect((await as(member).put(`/api/v1/sessions/${id}`, { status: 'cancelled' })).statusCode).toBe(200);
    const reopen = await as(member).put(`/api/v1/sessions/${id}`, { status: 'active' });
    expect(reopen.statusCode).toBe(409);
    expect(reopen.json()).toMatchObject({ code: 'invalid_state_transition' });
  });

  it('scopes sessions: members see their own, admins their tenant’s, others get 404, no credential 401', async () => {
    const mine = (await as(member).post('/api/v1/sessions', { title: 'mine' })).json<Session>();
    const theirs = (await as(other).post('/api/v1/sessions', { title: 'theirs' })).json<Session>();
    expect((await as(other).get(`/api/v1/sessions/${mine.id}`)).statusCode).toBe(404);
    expect((await as(other).put(`/api/v1/sessions/${mine.id}`, { title: 'x' })).statusCode).toBe(404);
    expect((await as(other).del(`/api/v1/sessions/${mine.id}`)).statusCode).toBe(404);
    expect((await as(stranger).get(`/api/v1/sessions/${mine.id}`)).statusCode).toBe(404);
    expect((await as(admin).get(`/api/v1/sessions/${mine.id}`)).statusCode).toBe(200);
    expect((await app.http.inject({ url: `/api/v1/sessions/${mine.id}` })).statusCode).toBe(401);

    const listed = (await as(member).get('/api/v1/sessions?limit=100')).json<{ sessions: Session[]; total: number }>();
    expect(listed.sessions.every((s) => s.user_id === member.user.id)).toBe(true);
    expect(listed.sessions.map((s) => s.id)).toContain(mine.id);
    expect((await as(member).get(`/api/v1/sessions?user_id=${other.user.id}`)).statusCode).toBe(403);
    const adminView = (await as(admin).get(`/api/v1/sessions?user_id=${other.user.id}`)).json<{ sessions: Session[] }>();
    expect(adminView.sessions.map((s) => s.id)).toEqual([theirs.id]);
    expect((await as(stranger).get('/api/v1/sessions')).json<{ sessions: Session[] }>().sessions).toEqual([]);

    // A member cannot create for someone else; an admin can, for a user of the tenant only.
    expect((await as(member).post('/api/v1/sessions', { user_id: other.user.id })).statusCode).toBe(403);
    expect((await as(admin).post('/api/v1/sessions', { user_id: other.user.id })).json()).toMatchObject({ user_id: other.user.id });
    expect((await as(stranger).post('/api/v1/sessions', { user_id: other.user.id })).statusCode).toBe(404);
    // Sessions belong to users: an API key is refused.
    const key = await createTestApiKey(app, { tenantId: admin.tenant.id, scopes: ['read', 'write', 'calls', 'admin'] });
    expect((await app.http.inject({ url: '/api/v1/sessions', headers: key.headers })).statusCode).toBe(403);
  });

  it('filters by status and pages', async () => {
    const user = await createTestUser(app, { role: 'member', tenant: admin.tenant });
    for (let i = 0; i < 3; i += 1) await as(user).post('/api/v1/sessions', { title: `s${String(i)}` });
    const { id } = (await as(user).post('/api/v1/sessions', {})).json<Session>();
    await as(user).put(`/api/v1/sessions/${id}`, { status: 'paused' });
    expect((await as(user).get('/api/v1/sessions?status=paused')).json()).toMatchObject({ total: 1, sessions: [{ id }] });
    const page = (await as(user).get('/api/v1/sessions?limit=2&offset=2')).json<{ sessions: Session[]; total: number; limit: number; offset: number }>();
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(page.sessions).toHaveLength(2);
  });

  it('answers the public health check', async () => {
    const res = await app.http.inject({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'healthy', services: { database: 'up', coaching_model: 'not_configured', audio_decoder: 'audio-decode' } });
  });
});
