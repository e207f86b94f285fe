import type { Clock } from '../../core/clock.ts';
import type { AuraCoaching } from '../../services/aura/aura-coaching.ts';
import type { AuraSessions } from '../../services/aura/aura-sessions.ts';

/** What the AURA session, audio and feedback routes need (`src/app.ts` builds them). */
export interface AuraHttpDeps {
  readonly sessions: AuraSessions;
  readonly coaching: AuraCoaching;
  readonly clock: Clock;
  readonly pingDatabase: () => Promise<void>;
}
