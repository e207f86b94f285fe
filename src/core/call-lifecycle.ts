/**
 * The call state machine: created → active → ending → ended | failed | expired.
 * Terminal states never change again; ending a call twice is not an error but a no-op.
 */
export const callStatuses = ['created', 'active', 'ending', 'ended', 'failed', 'expired'] as const;
export type CallStatusValue = (typeof callStatuses)[number];

const transitions: Readonly<Record<CallStatusValue, readonly CallStatusValue[]>> = {
  created: ['active', 'ending', 'ended', 'failed', 'expired'],
  active: ['ending', 'ended', 'failed', 'expired'],
  ending: ['ended', 'failed'],
  ended: [],
  failed: [],
  expired: [],
};

export function isTerminalStatus(status: CallStatusValue): boolean {
  return transitions[status].length === 0;
}

export function canTransition(from: CallStatusValue, to: CallStatusValue): boolean {
  return transitions[from].includes(to);
}

/** The statuses from which `to` may be reached, for guarded `UPDATE … WHERE status IN (…)`. */
export function predecessorsOf(to: CallStatusValue): CallStatusValue[] {
  return callStatuses.filter((from) => transitions[from].includes(to));
}
