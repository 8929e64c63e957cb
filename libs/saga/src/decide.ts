// The saga's decider: (state, message, now, policy) -> the next state and the messages to send, or a coded rejection. Pure.
// It walks the run plan: the steps' commands, outcomes and compensations come from RUN_PLAN, the clocks from run-deadlines.
import {
  AlertSeverity,
  AnyMessage,
  Change,
  DataOf,
  Failure,
  IdGenerator,
  ServiceHealthComparison,
  Step,
  createMessage,
  dayOfRunId,
  rerunOf,
} from '@dco/contracts';
import { CATCH_UP_REQUESTER, catchUpPlan } from './catch-up';
import { RunPolicy, approvalReasons, dcoDeadlineOf, isDbChange, isInfraChange } from './run-policy';
import {
  OUTCOMES,
  OutcomeType,
  RUN_PLAN,
  SagaOutputType,
  UPDATE_STAGES,
  UpdateStage,
  compensationOf,
  isCompensation,
  isOutcome,
} from './run-plan';
import {
  dcoDeadlineAtRisk,
  deferredChangesOf,
  expectedMsOf,
  endsAtRunDeadline,
  runDeadlineOf,
  runTimeExceeded,
  stepDeadlineOf,
} from './run-deadlines';
import { PendingStep, RunState, StepOutcome, isTerminal } from './run-state';
import { chooseWindow } from './update-window/choose-window';
import { LoadForecast } from './update-window/load-forecast';
import { SagaRejection, rejection } from './saga-rejection';

/** What the saga knows about other runs of the same day (derived from stored state, so it replays identically). */
export interface DayContext {
  /** A run of this day whose DCO completed: a rerun reuses its result instead of asking for the DCO again. */
  completedDco?: { runId: string; resultHash: string };
  /** A run of this day that has not finished: a second one would race it on the same infrastructure. */
  activeRunId?: string;
  /** The latest earlier day that has a run: the days after it are missed (ADR 0023). */
  lastRunDay?: string;
  /** A run of an earlier day that has not ended (queued included): a day's tick waits for it. */
  unfinishedBefore?: string;
}

export interface DecideDeps {
  now: Date;
  ids: IdGenerator;
  policy: RunPolicy;
  day: DayContext;
  /** The load predicted for the coming hours (ADR 0027); without it the forecast policy applies at once. */
  loadForecast?: LoadForecast;
}

export type Decision = { ok: true; state: RunState; messages: AnyMessage[] } | { ok: false; rejection: SagaRejection };

type OutcomeMessage = Extract<AnyMessage, { type: OutcomeType }>;

export function decide(state: RunState | undefined, message: AnyMessage, deps: DecideDeps): Decision {
  if (message.type === 'DailyTick' || message.type === 'RunRequested') return start(state, message, deps);
  if (!state) return reject('SAGA.UNKNOWN_RUN', `${message.type} for ${message.runId}, which has no run`);
  if (message.type === 'RunResumeRequested') return resume(state, message, deps);
  if (isTerminal(state.status))
    return reject('SAGA.RUN_FINISHED', `${message.type} for ${state.runId}, which already ended as ${state.status}`);
  if (message.type === 'StepTimedOut') return timedOut(state, message, deps);
  if (isOutcome(message.type)) return outcome(state, message as OutcomeMessage, deps);
  return reject('SAGA.OUT_OF_ORDER', `the saga does not consume ${message.type}`);
}

function start(
  state: RunState | undefined,
  message: AnyMessage & { type: 'DailyTick' | 'RunRequested' },
  deps: DecideDeps,
): Decision {
  if (state?.status === 'Queued' && isCatchUpRequest(message)) return dequeue(state, message, deps);
  if (state)
    return reject('SAGA.DUPLICATE_START', `${state.runId} already exists (${state.status}); ${message.type} ignored`);
  const day = message.data.day;
  if (dayOfRunId(message.runId) !== day)
    return reject('SAGA.DAY_MISMATCH', `${message.type} for day ${day} carries run id ${message.runId}`);
  if (message.type === 'DailyTick' && rerunOf(message.runId) > 0) {
    return reject('SAGA.DAY_MISMATCH', `a DailyTick starts the day's run dco-${day}, not the rerun ${message.runId}`);
  }
  if (deps.day.activeRunId)
    return reject(
      'SAGA.DAY_BUSY',
      `${deps.day.activeRunId} of ${day} is still running; start a rerun when it has ended`,
    );
  const settings = deps.policy.catchUp;
  const plan =
    message.type === 'DailyTick'
      ? catchUpPlan({ lastRunDay: deps.day.lastRunDay, day, late: message.data.trigger === 'catch-up', settings })
      : undefined;
  if (plan && plan.run.length === 0)
    return reject(
      'SAGA.CATCH_UP_DISABLED',
      `the late tick of ${day} does not run: DCO_CATCH_UP=none runs no missed day (${plan.skipped.length} missed)`,
    );
  const now = deps.now.toISOString();
  const trigger =
    message.type === 'DailyTick' ? message.data.trigger : isCatchUpRequest(message) ? 'catch-up' : 'request';
  const initial: RunState = {
    runId: message.runId,
    day,
    trigger,
    ...(message.type === 'RunRequested' ? { requestedBy: message.data.requestedBy } : {}),
    status: 'Started',
    startedAt: now,
    updatedAt: now,
    version: 0,
    dcoDeadline: dcoDeadlineOf(day, deps.policy).toISOString(),
    runDeadline: runDeadlineOf(deps.now, deps.policy).toISOString(),
    changes: [],
    plan: { infra: false },
    deferred: [],
    timeline: [],
    touched: [],
    compensations: [],
    rolledBack: [],
    approvals: [],
    alerts: [],
    attempts: {},
    dcoAfterRollback: false,
  };
  const t = new Transition(initial, message, deps);
  if (plan && plan.skipped.length > 0) {
    t.alert(
      'warning',
      'DAYS_SKIPPED',
      `${message.runId}: ${plan.skipped.length} missed day(s) ${describeDays(plan.skipped)} do not run (DCO_CATCH_UP=${settings.policy})`,
    );
  }
  const after = deps.day.lastRunDay;
  if (plan && plan.missed.length > 0 && after !== undefined && settings.policy === 'all') {
    t.state.catchUp = { after, missed: plan.missed.length };
    if (plan.needsApproval) t.requestCatchUpApproval(plan.missed, settings.maxDays);
    else t.queue(`${plan.missed.length} missed day(s) ${describeDays(plan.missed)} run first, oldest first`);
    return t.done();
  }
  // With `all`, days run one after the other: a tick waits for an earlier day's unfinished run (with `last` and `none`
  // days stay independent, as before ADR 0023).
  if (message.type === 'DailyTick' && settings.policy === 'all' && deps.day.unfinishedBefore) {
    t.queue(`it starts when ${deps.day.unfinishedBefore} has ended`);
    return t.done();
  }
  t.begin();
  return t.done();
}

/** The saga asks for the next day of a catch-up with a RunRequested of this requester (ADR 0023). */
function isCatchUpRequest(message: AnyMessage): boolean {
  return (
    message.type === 'RunRequested' &&
    message.producer === 'orchestrator' &&
    message.data.requestedBy === CATCH_UP_REQUESTER
  );
}

/** The days before a queued run have run (or were refused): it starts now, its clock from now. */
function dequeue(state: RunState, message: AnyMessage, deps: DecideDeps): Decision {
  if (deps.day.activeRunId)
    return reject('SAGA.DAY_BUSY', `${deps.day.activeRunId} of ${state.day} is running; ${state.runId} stays queued`);
  const t = new Transition(state, message, deps);
  t.state.startedAt = t.state.updatedAt;
  t.state.runDeadline = runDeadlineOf(deps.now, deps.policy).toISOString();
  t.begin();
  return t.done();
}

/** "2026-11-27" or "2026-11-27..2026-11-29". */
function describeDays(days: string[]): string {
  return days.length === 1 ? days[0] : `${days[0]}..${days[days.length - 1]}`;
}

/** An operator resumes a run parked by a failed compensation: that compensation again, then the rest, then the DCO. */
function resume(state: RunState, message: AnyMessage & { type: 'RunResumeRequested' }, deps: DecideDeps): Decision {
  if (state.status !== 'Failed')
    return reject('SAGA.NOT_FAILED', `${state.runId} is ${state.status}; only a Failed run can be resumed`);
  if (state.compensations.length === 0) {
    return reject(
      'SAGA.NOTHING_TO_RESUME',
      `${state.runId} failed with ${state.failure?.code ?? state.compensationFailure?.code ?? 'a DCO failure'} and has no compensation left to resume; start a rerun of ${state.day} instead`,
    );
  }
  if (deps.day.activeRunId)
    return reject(
      'SAGA.DAY_BUSY',
      `${deps.day.activeRunId} of ${state.day} is running; resume ${state.runId} when it has ended`,
    );
  const t = new Transition(state, message, deps);
  t.resume(message.data.by, message.data.reason);
  return t.done();
}

function timedOut(state: RunState, message: AnyMessage & { type: 'StepTimedOut' }, deps: DecideDeps): Decision {
  const pending = state.pending;
  if (!pending || pending.step !== message.data.step || pending.attempt !== message.data.attempt) {
    return reject(
      'SAGA.STALE_OUTCOME',
      `StepTimedOut for ${message.data.step}#${message.data.attempt}, but the run waits on ${describePending(state)}`,
    );
  }
  if (deps.now.getTime() < Date.parse(pending.deadline)) {
    return reject('SAGA.OUT_OF_ORDER', `StepTimedOut for ${pending.step} before its deadline ${pending.deadline}`);
  }
  const t = new Transition(state, message, deps);
  const gate = pending.step === 'approval' ? state.approvals[state.approvals.length - 1]?.gate : undefined;
  if (gate === 'window') {
    // The wait for the update window ends at its start: the change set starts now.
    t.openWindow();
    return t.done();
  }
  if (gate === 'catch-up') {
    // Nobody answered: the missed days are refused so that this day's own DCO still runs (a person may rerun them).
    t.skipCatchUp('nobody', `no decision by ${pending.deadline}`, 'timed-out');
    return t.done();
  }
  if (endsAtRunDeadline(state, pending)) {
    t.alert(
      'critical',
      'RUN_TIME_EXCEEDED',
      `${state.runId}: maximum run time exceeded at ${state.runDeadline} (started ${state.startedAt}) while ${pending.step} was in flight; rolling back, then the DCO on the old infrastructure`,
    );
    t.fail(
      {
        code: 'SAGA.RUN_TIME_EXCEEDED',
        message: `${state.runId} exceeded its maximum run time (${state.runDeadline}) during ${pending.step}`,
      },
      'timed-out',
    );
    return t.done();
  }
  t.fail(
    { code: 'SAGA.STEP_TIMED_OUT', message: `${pending.step} did not answer by ${pending.deadline}` },
    'timed-out',
  );
  return t.done();
}

function outcome(state: RunState, message: OutcomeMessage, deps: DecideDeps): Decision {
  const { step: expected, kind } = OUTCOMES[message.type];
  const pending = state.pending;
  if (message.type === 'DbMigrationProgress' && pending?.step !== expected) {
    // Progress is published outside the migrator's atomic outcome, so it may trail DbMigrated: stale, not disorder.
    return reject('SAGA.STALE_OUTCOME', `migration progress of ${state.runId} after the migration step ended`);
  }
  if (!pending || pending.step !== expected) {
    return reject(
      'SAGA.OUT_OF_ORDER',
      `${message.type} answers ${expected}, but ${state.runId} waits on ${describePending(state)}`,
    );
  }
  // Outcomes name the command they answer; one that answers an earlier attempt (e.g. after a timeout) is stale.
  if (message.causationId && message.causationId !== pending.commandId) {
    return reject(
      'SAGA.STALE_OUTCOME',
      `${message.type} answers ${message.causationId}, not the current ${pending.step} command ${pending.commandId}`,
    );
  }
  if ('day' in message.data && message.data.day !== state.day) {
    return reject('SAGA.DAY_MISMATCH', `${message.type} is for day ${message.data.day}, the run is for ${state.day}`);
  }
  const t = new Transition(state, message, deps);
  switch (message.type) {
    case 'ChangesDetected':
      t.endStep('succeeded');
      t.planUpdates(message.data.changes);
      break;
    case 'InfraApprovalRequired':
      // The plan was made but nothing applied: no compensation is owed for this attempt.
      t.endStep('needs-approval');
      t.state.touched = t.state.touched.filter((step) => step !== expected);
      t.requestApproval('plan', message.data.reasons, message.data.plan.planId);
      break;
    case 'ApprovalGranted':
    case 'ApprovalRejected':
      t.decideApproval(kind === 'succeeded', message.data.by, message.data.reason);
      break;
    case 'DbMigrationProgress':
      t.progress(`${message.data.phase} ${message.data.done}/${message.data.total}`);
      break;
    case 'StagingFailed':
      // Production is untouched: the failure is alerted and the DCO runs on production as it is (ADR 0032).
      t.recordHealth(expected, message.data.health ?? [], 'kept');
      t.fail(message.data.failure, 'failed');
      break;
    case 'StagingSoaked':
    case 'InfraApplied':
    case 'DbMigrated':
      t.recordHealth(expected, message.data.health ?? []);
      t.endStep('succeeded');
      t.advance();
      break;
    case 'DcoCompleted':
      t.endStep('succeeded');
      t.state.resultHash = message.data.resultHash;
      t.finish();
      break;
    default:
      // The other outcomes carry nothing but what the plan says they mean: a step failed, a stage or a compensation is done.
      if ('failure' in message.data) {
        t.fail(message.data.failure, 'failed');
      } else {
        t.endStep('succeeded');
        if (isCompensation(expected)) t.compensated();
        else t.advance();
      }
  }
  return t.done();
}

/** Applies one accepted message: works on a copy of the state and collects the messages to send. */
class Transition {
  readonly state: RunState;
  private readonly messages: AnyMessage[] = [];

  constructor(
    state: RunState,
    private readonly cause: AnyMessage,
    private readonly deps: DecideDeps,
  ) {
    this.state = structuredClone(state);
    this.state.version += 1;
    this.state.updatedAt = this.now;
  }

  done(): Decision {
    return { ok: true, state: this.state, messages: this.messages };
  }

  private get now(): string {
    return this.deps.now.toISOString();
  }

  emit<T extends SagaOutputType>(type: T, data: DataOf<T>): AnyMessage {
    const message = createMessage(
      type,
      data,
      { runId: this.state.runId, producer: 'orchestrator', causedBy: this.cause },
      { clock: { now: () => this.deps.now }, ids: this.deps.ids },
    ) as AnyMessage;
    this.messages.push(message);
    return message;
  }

  alert(severity: AlertSeverity, cause: string, summary: string, detail?: string): void {
    const step = this.state.pending?.step ?? 'run';
    const attempt = this.state.pending?.attempt ?? 0;
    this.emit('AlertRaised', {
      severity,
      cause,
      dedupeKey: `${this.state.runId}:${step}:${attempt}:${cause}`,
      summary: summary.slice(0, 500),
      ...(detail ? { detail: detail.slice(0, 4000) } : {}),
    });
    this.state.alerts.push({ severity, cause, summary: summary.slice(0, 500), at: this.now });
  }

  /** Sends the step's command, built from the run as the plan says, and waits on its outcome until the step's deadline. */
  startStep(step: Step): void {
    const attempt = (this.state.attempts[step] ?? 0) + 1;
    this.state.attempts[step] = attempt;
    const command = RUN_PLAN[step].command;
    const commandId = this.emit(command.type, command.data(this.state)).eventId;
    const deadline = stepDeadlineOf(this.state, step, this.deps.now, this.deps.policy);
    this.state.pending = { step, attempt, commandId, startedAt: this.now, deadline };
    this.state.timeline.push({ step, attempt, commandId, startedAt: this.now, outcome: 'running' });
    this.state.status = RUN_PLAN[step].status;
  }

  endStep(outcome: StepOutcome, failure?: Failure): void {
    const pending = this.state.pending;
    if (!pending) return;
    const record = this.state.timeline.find((r) => r.step === pending.step && r.attempt === pending.attempt);
    if (record) {
      record.endedAt = this.now;
      record.durationMs = this.deps.now.getTime() - Date.parse(record.startedAt);
      record.outcome = outcome;
      if (failure) record.failure = failure;
    }
    this.state.pending = undefined;
  }

  progress(text: string): void {
    const pending = this.state.pending;
    const record = pending && this.state.timeline.find((r) => r.step === pending.step && r.attempt === pending.attempt);
    if (record) record.progress = text;
  }

  /** Records what the detected changes will update, then asks a person first if the policy says the changes need approval. */
  planUpdates(changes: Change[]): void {
    const dbChanges = changes.filter(isDbChange);
    this.state.changes = changes;
    const infra = changes.some(isInfraChange);
    const promotion = this.deps.policy.promotion;
    this.state.plan = {
      infra,
      ...(dbChanges.length > 0 ? { dbTargetImageId: dbChanges[dbChanges.length - 1].to } : {}),
      ...(infra && promotion.policy === 'staging-first' ? { staging: { soakMs: promotion.soakMs } } : {}),
    };
    const reasons = approvalReasons(changes, this.deps.policy);
    if (reasons.length > 0) this.requestApproval('changes', reasons);
    else this.advance();
  }

  /** The run starts its steps: RunStarted, then detection. */
  begin(): void {
    this.state.status = 'Started';
    this.emit('RunStarted', { day: this.state.day, trigger: this.state.trigger });
    this.startStep('detect');
  }

  /** The run waits for earlier days; the saga starts it when they have ended (nextCatchUpRun). */
  queue(why: string): void {
    this.state.status = 'Queued';
    this.alert('info', 'RUN_QUEUED', `${this.state.runId} is queued: ${why}`);
  }

  requestCatchUpApproval(missed: string[], maxDays: number): void {
    const reasons = [
      `${missed.length} missed days ${describeDays(missed)} exceed DCO_CATCH_UP_MAX_DAYS=${maxDays}: grant to run them all, oldest first, before ${this.state.day}; reject to run only ${this.state.day}`,
    ];
    this.state.approvals.push({ gate: 'catch-up', reasons, requestedAt: this.now });
    this.startStep('approval');
    this.alert('warning', 'CATCH_UP_APPROVAL_REQUIRED', `${this.state.runId} waits for approval: ${reasons[0]}`);
  }

  /** The missed days do not run (refused or unanswered): this day runs on its own. */
  skipCatchUp(by: string, reason: string, outcome: 'rejected' | 'timed-out'): void {
    const catchUp = this.state.catchUp;
    if (catchUp) catchUp.skipped = true;
    this.endStep(outcome, {
      code: outcome === 'rejected' ? 'SAGA.REJECTED' : 'SAGA.STEP_TIMED_OUT',
      message: `the catch-up of ${catchUp?.missed ?? 0} missed day(s) was refused by ${by}: ${reason}`.slice(0, 4000),
    });
    this.alert(
      outcome === 'rejected' ? 'warning' : 'critical',
      'DAYS_SKIPPED',
      `${this.state.runId}: ${catchUp?.missed ?? 0} missed day(s) after ${catchUp?.after ?? '?'} do not run (${by}: ${reason}); ${this.state.day} runs alone`.slice(
        0,
        500,
      ),
    );
    this.begin();
  }

  requestApproval(gate: 'changes' | 'plan', reasons: string[], planId?: string): void {
    // Nobody is asked to approve updates that may no longer start.
    if (runTimeExceeded(this.state, this.deps.now)) return this.stopForRunTime('the approval');
    this.state.approvals.push({ gate, reasons, requestedAt: this.now, ...(planId ? { planId } : {}) });
    this.startStep('approval');
    this.alert('info', 'APPROVAL_REQUIRED', `${this.state.runId} waits for approval: ${reasons.join('; ')}`);
  }

  decideApproval(granted: boolean, by: string, reason: string): void {
    const approval = this.state.approvals[this.state.approvals.length - 1];
    approval.decision = { granted, by, reason, at: this.now };
    if (approval.gate === 'catch-up') {
      if (!granted) return this.skipCatchUp(by, reason, 'rejected');
      this.endStep('succeeded');
      return this.queue(`${by} approved the catch-up of ${this.state.catchUp?.missed ?? 0} missed day(s)`);
    }
    if (approval.gate === 'window') {
      if (granted) {
        if (this.state.updateWindow) this.state.updateWindow.openedBy = by;
        return this.openWindow();
      }
      this.endStep('rejected', {
        code: 'SAGA.REJECTED',
        message: `${by} deferred the change set: ${reason}`.slice(0, 4000),
      });
      return this.defer(
        this.remainingStages(),
        `${by} deferred them instead of waiting for the update window (${reason})`,
        'UPDATES_DEFERRED',
      );
    }
    if (granted) {
      this.endStep('succeeded');
      this.advance();
      return;
    }
    const failure: Failure = {
      code: 'SAGA.REJECTED',
      message:
        `${approval.gate === 'plan' ? 'the infrastructure plan' : 'the changes'} were rejected by ${by}: ${reason}`.slice(
          0,
          4000,
        ),
    };
    this.endStep('rejected', failure);
    this.alert('warning', 'APPROVAL_REJECTED', `${this.state.runId}: ${failure.message}`);
    this.state.failure ??= failure;
    this.beginCompensation();
  }

  resume(by: string, reason: string): void {
    const step = this.state.compensations[0];
    const failure = this.state.compensationFailure;
    this.state.resumes = [
      ...(this.state.resumes ?? []),
      { step, by, reason, at: this.now, ...(failure ? { failure } : {}) },
    ];
    this.state.compensationFailure = undefined;
    this.continueCompensation();
    this.alert(
      'warning',
      'RUN_RESUMED',
      `${this.state.runId}: resumed by ${by} (${reason}); ${step} issued again`.slice(0, 500),
    );
  }

  /** Starts the plan's next update stage that is planned and not yet done, unless it cannot finish before the DCO deadline. */
  advance(): void {
    const remaining = this.remainingStages();
    const next = remaining[0];
    if (!next) return this.runDco();
    if (runTimeExceeded(this.state, this.deps.now)) return this.stopForRunTime(next);
    if (!this.state.updateWindow && this.waitForWindow(remaining)) return;
    const atRisk = dcoDeadlineAtRisk(this.state, next, this.deps.now, this.deps.policy, remaining);
    if (atRisk) {
      const { leftMs, neededMs } = atRisk;
      return this.defer(
        remaining,
        `${Math.max(0, Math.round(leftMs / 60_000))} min left before the DCO deadline ${this.state.dcoDeadline}, ${Math.round(neededMs / 60_000)} min needed`,
      );
    }
    // Staging has no compensation: what it changed is staging's, production owes nothing for it.
    if (compensationOf(next)) this.state.touched.push(next);
    this.startStep(next);
  }

  private remainingStages(): UpdateStage[] {
    return UPDATE_STAGES.filter((stage) => RUN_PLAN[stage].update.planned(this.state) && !this.succeeded(stage));
  }

  /**
   * Chooses the change set's window once, before its first update stage (ADR 0027): it must end, at the stages' expected
   * durations, early enough for the DCO to finish before its deadline, and within the run deadline. True when the run
   * now waits for it: an approval step of gate `window` whose deadline is the window's start.
   */
  private waitForWindow(stages: UpdateStage[]): boolean {
    const { policy, now } = this.deps;
    const durationMs = stages.reduce((sum, stage) => sum + expectedMsOf(this.state, stage, policy), 0);
    const runDeadline = this.state.runDeadline ? Date.parse(this.state.runDeadline) : Number.POSITIVE_INFINITY;
    const latestEnd = Math.min(Date.parse(this.state.dcoDeadline) - policy.steps['run-dco'].expectedMs, runDeadline);
    const choice = chooseWindow({
      now: now.getTime(),
      latestEnd,
      durationMs,
      // A person (an operator's run, an urgent external report, a manual tick) asked for this run now, or a change is
      // urgent (a security advisory covers what runs, ADR 0029).
      urgent:
        this.state.trigger === 'request' ||
        this.state.trigger === 'manual' ||
        this.state.changes.some((change) => change.urgent === true),
      policy: policy.updateWindow.policy,
      forecast: this.deps.loadForecast,
    });
    const start = new Date(choice.start).toISOString();
    const end = new Date(choice.end).toISOString();
    this.state.updateWindow = {
      policy: policy.updateWindow.policy,
      reason: choice.reason,
      start,
      end,
      decidedAt: this.now,
      ...(choice.predictedLoad !== undefined ? { predictedLoad: round(choice.predictedLoad) } : {}),
      ...(choice.predictedLoadNow !== undefined ? { predictedLoadNow: round(choice.predictedLoadNow) } : {}),
    };
    if (choice.start <= now.getTime()) return false;
    const reason = `${stages.join(', ')} (${Math.round(durationMs / 60_000)} min) wait for the predicted lowest-load window ${start}..${end} (load ${round(choice.predictedLoad ?? 0)}, ${round(choice.predictedLoadNow ?? 0)} now): grant to apply now, reject to defer them`;
    this.state.approvals.push({ gate: 'window', reasons: [reason], requestedAt: this.now });
    this.startStep('approval');
    (this.state.pending as PendingStep).deadline = start;
    this.state.status = 'AwaitingWindow';
    this.alert('info', 'UPDATE_WINDOW_WAIT', `${this.state.runId}: ${reason}`);
    return true;
  }

  /** The update window opened (or an operator opened it early): the change set starts. */
  openWindow(): void {
    this.endStep('succeeded');
    this.advance();
  }

  private defer(stages: UpdateStage[], why: string, cause = 'DEADLINE_AT_RISK'): void {
    const deferred = deferredChangesOf(this.state, stages);
    this.state.deferred.push(...deferred);
    for (const stage of stages) {
      this.state.timeline.push({
        step: stage,
        attempt: (this.state.attempts[stage] ?? 0) + 1,
        startedAt: this.now,
        endedAt: this.now,
        durationMs: 0,
        outcome: 'deferred',
      });
    }
    this.alert(
      'warning',
      cause,
      `${this.state.runId}: deferred ${stages.join(', ')} (${deferred.length} changes): ${why}`,
    );
    this.runDco();
  }

  private runDco(): void {
    const completed = this.deps.day.completedDco;
    if (completed && completed.runId !== this.state.runId) {
      // The day's offering already ran: a rerun never asks for it again and reports the stored result.
      this.state.timeline.push({
        step: 'run-dco',
        attempt: 0,
        startedAt: this.now,
        endedAt: this.now,
        durationMs: 0,
        outcome: 'skipped',
      });
      this.state.resultHash = completed.resultHash;
      this.state.dcoReusedFrom = completed.runId;
      return this.finish();
    }
    this.startStep('run-dco');
  }

  /** Past the run deadline: no further update stage; what was done is undone, then the DCO runs on the old infrastructure. */
  private stopForRunTime(next: string): void {
    const failure: Failure = {
      code: 'SAGA.RUN_TIME_EXCEEDED',
      message: `${this.state.runId} exceeded its maximum run time (${this.state.runDeadline}) before ${next}`,
    };
    this.alert(
      'critical',
      'RUN_TIME_EXCEEDED',
      `${this.state.runId}: maximum run time exceeded at ${this.state.runDeadline} (started ${this.state.startedAt}); ${next} not started, rolling back, then the DCO on the old infrastructure`,
    );
    this.state.failure ??= failure;
    this.beginCompensation();
  }

  finish(): void {
    const resultHash = this.state.resultHash as string;
    this.state.pending = undefined;
    if (runTimeExceeded(this.state, this.deps.now) && !this.state.alerts.some((a) => a.cause === 'RUN_TIME_EXCEEDED')) {
      // The DCO (or a compensation) was in flight at the maximum run time: never aborted, but never silent either.
      this.alert(
        'warning',
        'RUN_TIME_EXCEEDED',
        `${this.state.runId}: ended after its maximum run time (${this.state.runDeadline}); the DCO or a rollback was in flight and was not cut short`,
      );
    }
    if (this.state.failure) {
      this.state.status = 'CompletedAfterRollback';
      this.emit('RunCompletedAfterRollback', {
        day: this.state.day,
        failure: this.state.failure,
        rolledBack: this.state.rolledBack,
        resultHash,
      });
      return;
    }
    this.state.status = 'Completed';
    const steps = [...new Set(this.state.timeline.filter((r) => r.outcome === 'succeeded').map((r) => r.step))];
    this.emit('RunCompleted', { day: this.state.day, steps, resultHash, deferred: this.state.deferred });
  }

  /**
   * Keeps the step's health comparison for the run view; a regression the policy left in place is alerted (`kept`: the
   * step failed for it and its failure is the alert).
   */
  recordHealth(step: Step, comparisons: readonly ServiceHealthComparison[], alert: 'alert' | 'kept' = 'alert'): void {
    if (comparisons.length === 0) return;
    this.state.health = [...(this.state.health ?? []), ...comparisons.map((comparison) => ({ ...comparison, step }))];
    const regressed = comparisons.filter((comparison) => comparison.regressions.length > 0);
    if (regressed.length === 0 || alert === 'kept') return;
    this.alert(
      'warning',
      'HEALTH_REGRESSED',
      `${this.state.runId}: ${regressed.map((comparison) => comparison.service).join(', ')} regressed after ${step} and ${regressed.length === 1 ? 'stays' : 'stay'} on the new release (policy alert)`,
      regressed.map((comparison) => `${comparison.service}: ${comparison.regressions.join('; ')}`).join('\n'),
    );
  }

  /** The pending step failed or timed out: alert, then compensate, retry the DCO, or park the run. */
  fail(failure: Failure, outcome: 'failed' | 'timed-out'): void {
    const pending = this.state.pending;
    if (!pending) return;
    const overdue = outcome === 'timed-out';
    if (isCompensation(pending.step)) {
      this.alert(
        'critical',
        'COMPENSATION_FAILED',
        `${this.state.runId}: ${pending.step} ${overdue ? 'timed out' : 'failed'}; an operator must finish ${this.state.compensations.join(', ')}`,
        `${failure.code}: ${failure.message}`,
      );
      this.endStep(outcome, failure);
      this.state.compensationFailure = failure;
      return this.park(failure, this.state.compensations);
    }
    if (pending.step === 'staging') {
      this.alert(
        'critical',
        'STAGING_FAILED',
        `${this.state.runId}: the change set ${overdue ? 'timed out' : 'failed'} on staging (${failure.code}); production is untouched and the DCO runs on it as it is`,
        failure.message,
      );
    } else {
      this.alert(
        'warning',
        overdue ? 'STEP_OVERDUE' : failure.code.endsWith('.HEALTH_REGRESSED') ? 'HEALTH_REGRESSED' : 'STEP_FAILED',
        `${this.state.runId}: ${pending.step} ${overdue ? 'timed out' : 'failed'}: ${failure.code}`,
        failure.message,
      );
    }
    this.endStep(outcome, failure);
    if (pending.step === 'run-dco' && (this.state.dcoAfterRollback || this.state.touched.length === 0)) {
      // Nothing left to undo and the offering itself failed: only a person can help now.
      this.alert(
        'critical',
        'RUN_FAILED',
        `${this.state.runId}: the DCO failed with ${failure.code} and nothing is left to roll back`,
        failure.message,
      );
      return this.park(failure, []);
    }
    this.state.failure ??= failure;
    this.beginCompensation();
  }

  private park(failure: Failure, pending: Step[]): void {
    this.state.status = 'Failed';
    this.state.pending = undefined;
    this.emit('RunFailed', { day: this.state.day, failure, pending });
  }

  private beginCompensation(): void {
    this.state.compensations = [...this.state.touched].reverse().map((step) => compensationOf(step) as Step);
    this.state.touched = [];
    this.state.dcoAfterRollback = true;
    this.continueCompensation();
  }

  /** The pending compensation is done: on with the next one, or the DCO on the old infrastructure. */
  compensated(): void {
    this.state.rolledBack.push(this.state.compensations.shift() as Step);
    this.continueCompensation();
  }

  private continueCompensation(): void {
    const next = this.state.compensations[0];
    if (!next) return this.runDco();
    this.startStep(next);
    this.alert('warning', 'ROLLBACK', `${this.state.runId}: ${next} after ${this.state.failure?.code ?? 'a failure'}`);
  }

  private succeeded(step: Step): boolean {
    return this.state.timeline.some((r) => r.step === step && (r.outcome === 'succeeded' || r.outcome === 'deferred'));
  }
}

const round = (value: number): number => Math.round(value * 100) / 100;

function describePending(state: RunState): string {
  return state.pending ? `${state.pending.step}#${state.pending.attempt}` : `nothing (${state.status})`;
}

function reject(code: SagaRejection['code'], message: string): Decision {
  return { ok: false, rejection: rejection(code, message) };
}
