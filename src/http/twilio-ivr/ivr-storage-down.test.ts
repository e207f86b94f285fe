import { describe, expect, it } from 'vitest';
import { callSid, spokenIn, startIvrWorld, turnUrlOf, verbsOf } from '../../testing/ivr-world.ts';

describe('IVR when our storage fails', () => {
  it('answers an apology and a hang-up as TwiML with status 200, never a 5xx (Twilio would play an application error)', async () => {
    const world = await startIvrWorld({ startMs: Date.UTC(2026, 10, 23, 9, 0) });
    try {
      const sid = callSid();
      const url = turnUrlOf(await world.incoming(sid));
      await world.database.close();
      const res = await world.post(url, { CallSid: sid, SpeechResult: 'Bonjour' });
      expect(res.statusCode).toBe(200);
      expect(verbsOf(res.body)).toEqual(['Say', 'Hangup']);
      expect(spokenIn(res.body)).toEqual(['Nous rencontrons un problème technique. Merci de rappeler dans quelques instants. Au revoir.']);
      const entry = await world.incoming(callSid());
      expect(verbsOf(entry)).toEqual(['Say', 'Hangup']);
    } finally {
      await world.app.close();
      await world.chat.close();
    }
  });
});
