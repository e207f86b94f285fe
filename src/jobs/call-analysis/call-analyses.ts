import { isTerminalStatus } from '../../core/call-lifecycle.ts';
import type { Clock } from '../../core/clock.ts';
import { hasAnalysis, type AnalysisPlan } from '../../core/analysis-plan.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Principal } from '../../core/principal.ts';
import { callAnalysisJobKind } from './call-analyzed.ts';
import { enqueueAnalysisRerun } from './enqueue-analysis.ts';
import type { Database } from '../../store/database.ts';
import { getAgent } from '../../store/queries/agents.ts';
import { getCallAnalysis, lockCallForAnalysis } from '../../store/queries/call-analyses.ts';
import { listCallJobs } from '../../store/queries/jobs.ts';
import type { CallAnalysisRow } from '../../store/schema/call-analyses.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import type { JobRow } from '../../store/schema/jobs.ts';
import type { CallService } from '../../services/calls.ts';

/** Where the latest analysis run of a call stands. */
export type AnalysisState = 'pending' | 'running' | 'succeeded' | 'skipped' | 'failed';

/** A call's analysis as the API shows it: the latest run's state, and the stored result of the last run that finished. */
export interface CallAnalysisView {
  readonly callId: string;
  readonly state: AnalysisState;
  /** Why it was skipped or failed; while a run waits for a retry, the error of its last attempt. */
  readonly reason: string | null;
  readonly stored: CallAnalysisRow | null;
  /** The latest `call-analysis` job; `null` before the call has ended (its job is enqueued then). */
  readonly job: JobRow | null;
}

export interface CallAnalysesDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Ownership of calls: a member sees and re-runs the analyses of their own calls only. */
  readonly calls: Pick<CallService, 'get'>;
  /** `ANALYSIS_MAX_ATTEMPTS`. */
  readonly maxAttempts: number;
  /** Lets this process's workers pick up a re-run at once. */
  readonly wake?: () => void;
}

function stateOf(job: JobRow, stored: CallAnalysisRow | undefined): { state: AnalysisState; reason: string | null } {
  switch (job.status) {
    case 'queued':
      return { state: 'pending', reason: job.lastError };
    case 'running':
      return { state: 'running', reason: job.lastError };
    case 'succeeded':
      return { state: 'succeeded', reason: null };
    case 'skipped': {
      const fromResult = job.result?.reason;
      return { state: 'skipped', reason: typeof fromResult === 'string' ? fromResult : (stored?.reason ?? null) };
    }
    case 'failed':
    case 'dead':
      return { state: 'failed', reason: job.lastError };
  }
}

/** Post-call analyses for the API: reading a call's, and running it again. */
export class CallAnalyses {
  readonly #deps: CallAnalysesDeps;

  constructor(deps: CallAnalysesDeps) {
    this.#deps = deps;
  }

  /**
   * The analysis of a call the principal may see. `analysis_not_found` when there is none and none
   * is coming (the call's agent has no plan and nobody asked for a re-run).
   */
  async get(principal: Principal, callId: string): Promise<CallAnalysisView> {
    const call = await this.#deps.calls.get(principal, callId);
    return this.#view(call);
  }

  async #view(call: CallRow): Promise<CallAnalysisView> {
    const scope = { tenantId: call.tenantId, callId: call.id };
    const stored = await getCallAnalysis(this.#deps.db, scope);
    const job = latestAnalysisJob(await listCallJobs(this.#deps.db, scope));
    if (job) return { callId: call.id, ...stateOf(job, stored), stored: stored ?? null, job };
    if (stored) return { callId: call.id, state: stored.status, reason: stored.reason, stored, job: null };
    if (hasAnalysis(call.agentSnapshot.analysis)) {
      const reason = isTerminalStatus(call.status) ? 'the call has ended; its analysis is about to be queued' : 'the call has not ended yet';
      return { callId: call.id, state: 'pending', reason, stored: null, job: null };
    }
    throw new AppError('analysis_not_found', 'This call has no analysis: its agent has no analysis plan (POST to this URL with {"plan":"agent"} to analyse it with the agent’s current plan)');
  }

  /**
   * Analyses an ended call again, as a new job with its own idempotency key; its result replaces the
   * stored one. `plan: 'call'` follows the plan the call ran with (its agent snapshot), `'agent'` the
   * agent's current plan (after fixing a schema or a prompt). Refused while a run is queued or running.
   */
  async rerun(principal: Principal, callId: string, params: { plan: 'call' | 'agent' }): Promise<CallAnalysisView> {
    const { db, clock } = this.#deps;
    const call = await this.#deps.calls.get(principal, callId);
    if (!isTerminalStatus(call.status)) throw new AppError('call_in_progress', 'The call has not ended yet: it is analysed once it ends');
    const plan = await this.#planFor(call, params.plan);
    const at = new Date(clock.nowMs());
    await db.transaction(async (tx) => {
      if (!(await lockCallForAnalysis(tx, { tenantId: call.tenantId, callId: call.id }))) throw new AppError('call_not_found', 'Call not found');
      const current = latestAnalysisJob(await listCallJobs(tx, { tenantId: call.tenantId, callId: call.id }));
      if (current && (current.status === 'queued' || current.status === 'running')) {
        throw new AppError('analysis_in_progress', `An analysis of this call is already ${current.status} (job ${current.id})`);
      }
      await enqueueAnalysisRerun(tx, { tenantId: call.tenantId, callId: call.id, rerunId: newId(), plan: params.plan === 'agent' ? plan : undefined, maxAttempts: this.#deps.maxAttempts, at });
    });
    this.#deps.wake?.();
    return this.#view(call);
  }

  async #planFor(call: CallRow, source: 'call' | 'agent'): Promise<AnalysisPlan> {
    if (source === 'call') {
      const plan = call.agentSnapshot.analysis;
      if (!hasAnalysis(plan)) throw new AppError('analysis_not_configured', 'The call’s agent had no analysis plan when the call ran; use {"plan":"agent"} to follow the agent’s current plan');
      return plan;
    }
    const agent = call.agentId === null ? undefined : await getAgent(this.#deps.db, { tenantId: call.tenantId, agentId: call.agentId });
    if (!agent) throw new AppError('analysis_not_configured', 'The call’s agent no longer exists; use {"plan":"call"} to follow the plan the call ran with');
    if (!hasAnalysis(agent.analysis)) throw new AppError('analysis_not_configured', 'The agent has no analysis plan: set one with PATCH /v1/agents/:agentId');
    return agent.analysis;
  }
}

function latestAnalysisJob(jobs: readonly JobRow[]): JobRow | undefined {
  let latest: JobRow | undefined;
  for (const job of jobs) if (job.kind === callAnalysisJobKind && (!latest || job.createdAt >= latest.createdAt)) latest = job;
  return latest;
}
