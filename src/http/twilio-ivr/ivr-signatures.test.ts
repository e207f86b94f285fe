import { afterEach, describe, expect, it } from 'vitest';
import { twilioSignatureOf } from '../../services/telephony/twilio-signature.ts';
import { callIdIn, callSid, elements, IVR_AUTH_TOKEN, IVR_PUBLIC_URL, parseTwiml, startIvrWorld, turnUrlOf, type IvrWorld, verbsOf } from '../../testing/ivr-world.ts';

let world: IvrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const mondayMorningParis = Date.UTC(2026, 10, 23, 9, 0);

async function liveCall(): Promise<{ w: IvrWorld; sid: string; callId: string; url: string }> {
  const w = await startIvrWorld({ startMs: mondayMorningParis });
  world = w;
  const sid = callSid();
  const twiml = await w.incoming(sid);
  return { w, sid, callId: callIdIn(twiml), url: turnUrlOf(twiml) };
}

describe('IVR webhooks are proven to come from Twilio', () => {
  it('turn: unsigned, wrongly signed, replayed to another URL or with other parameters → 403, and nothing is stored', async () => {
    const { w, sid, callId, url } = await liveCall();
    const params = { CallSid: sid, SpeechResult: 'Bonjour' };
    const otherUrl = url.replace('silent=0', 'silent=1');
    const refused = [
      await w.post(url, params, { signature: null }),
      await w.post(url, params, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
      await w.post(url, params, { signature: twilioSignatureOf('another-account-token', url, params) }),
      // Signed for the same call's other URL (another silent count) and replayed here.
      await w.post(url, params, { signature: twilioSignatureOf(IVR_AUTH_TOKEN, otherUrl, params) }),
      // Signed for the same URL with other words.
      await w.post(url, params, { signature: twilioSignatureOf(IVR_AUTH_TOKEN, url, { ...params, SpeechResult: 'Au revoir' }) }),
      // Signed for another host (PUBLIC_URL is what counts).
      await w.post(url, params, { signature: twilioSignatureOf(IVR_AUTH_TOKEN, url.replace(IVR_PUBLIC_URL, 'https://evil.example.com'), params) }),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden' });
    }
    expect(await w.transcript(callId)).toHaveLength(1);
    expect(w.chat.requests).toHaveLength(0);
    // The same request signed properly goes through.
    expect((await w.post(url, params)).statusCode).toBe(200);
    expect(await w.transcript(callId)).toHaveLength(3);
  });

  it('dial: an unsigned dial result cannot end the call', async () => {
    const { w, sid, callId, url } = await liveCall();
    await w.companies.updateTransferSettings(w.admin, w.tenantId, { enabled: true, phoneNumber: '+33123456789' });
    const transfer = await w.post(url, { CallSid: sid, SpeechResult: 'un conseiller' });
    const dialUrl = elements(parseTwiml(transfer.body), 'Dial')[0]!.attributes.action!;
    const res = await w.post(dialUrl, { CallSid: sid, DialCallStatus: 'completed' }, { signature: null });
    expect(res.statusCode).toBe(403);
    expect((await w.call(callId))?.status).toBe('active');
  });

  it('a signed request for another Twilio call (CallSid differs from the call’s) hangs up and changes nothing', async () => {
    const { w, callId, url } = await liveCall();
    const res = await w.post(url, { CallSid: callSid(), SpeechResult: 'Bonjour' });
    expect(res.statusCode).toBe(200);
    expect(verbsOf(res.body)).toEqual(['Hangup']);
    expect(await w.transcript(callId)).toHaveLength(1);
  });

  it('a signed request for an unknown call or another tenant hangs up politely (TwiML, never a 5xx)', async () => {
    const { w, sid, callId, url } = await liveCall();
    const unknown = await w.post(url.replace(callId, '00000000-0000-4000-8000-000000000000'), { CallSid: sid });
    expect(verbsOf(unknown.body)).toEqual(['Hangup']);
    const otherTenant = await w.post(url.replace(w.tenantId, '00000000-0000-4000-8000-000000000000'), { CallSid: sid });
    expect(verbsOf(otherTenant.body)).toEqual(['Hangup']);
  });

  it('a malformed but signed request is a 400 envelope (Twilio never sends one)', async () => {
    const { w, url } = await liveCall();
    const res = await w.post(url, { CallSid: 'not-a-sid' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed' });
  });
});
