// The API's use cases: start a run (or a rerun) for a day, approve or reject a waiting run, resume a Failed run; each becomes a
// message on the bus (the saga re-checks it and is the authority).
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator, createMessage, runIdOf } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { ApiActor, CLOCK, ID_GENERATOR, MESSAGE_BUS, hasRole } from '@dco/platform';
import { RunPolicy, dayInZone, isTerminal } from '@dco/saga';
import { RunRegistry } from '../run-saga/run-registry';
import { RUN_POLICY } from '../run-saga/saga-consumer.service';
import { ApiError } from './api-error';
import {
  DecisionAcceptedView,
  DecisionDto,
  ResumeAcceptedView,
  ResumeDto,
  RunAcceptedView,
  StartRunDto,
} from './runs.dto';

@Injectable()
export class RunCommandsService {
  constructor(
    private readonly registry: RunRegistry,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(RUN_POLICY) private readonly policy: RunPolicy,
  ) {}

  async startRun(request: StartRunDto, actor: ApiActor): Promise<RunAcceptedView> {
    const today = dayInZone(this.clock.now(), this.policy.dcoDeadline.timeZone);
    const day = request.day ?? today;
    // A run of another day would run its DCO early (and the real tick would then be a duplicate): an admin's decision.
    if (!hasRole(actor, 'admin') && day !== today && day !== nextDay(today))
      throw new ApiError(
        'API.FORBIDDEN',
        `${actor.name} is ${actor.role}: an operator may start a run of today (${today}) or tomorrow; ${day} needs an admin`,
        HttpStatus.FORBIDDEN,
      );
    const active = this.registry.dayContext(day).activeRunId;
    if (active)
      throw new ApiError(
        'RUN.ALREADY_ACTIVE',
        `${active} of ${day} is still running; start a rerun when it has ended`,
        HttpStatus.CONFLICT,
      );
    const runId = this.registry.reserveRunId(day);
    const message = createMessage(
      'RunRequested',
      { day, reason: request.reason ?? 'requested through the API', requestedBy: actor.name },
      { runId, producer: 'cli' },
      { clock: this.clock, ids: this.ids },
    );
    try {
      await this.bus.publish(message);
    } catch (error) {
      this.registry.release(runId);
      throw new ApiError(
        'API.UNAVAILABLE',
        `could not publish RunRequested: ${(error as Error).message}`,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { runId, day, rerun: runId !== runIdOf(day), eventId: message.eventId, requestedBy: actor.name };
  }

  async decide(runId: string, granted: boolean, decision: DecisionDto, actor: ApiActor): Promise<DecisionAcceptedView> {
    const run = this.registry.get(runId);
    if (!run) throw new ApiError('RUN.NOT_FOUND', `no run ${runId}`, HttpStatus.NOT_FOUND);
    // A run waiting for its update window may be opened early (granted) or have its changes deferred (rejected).
    const decidable = run.status === 'AwaitingApproval' || run.status === 'AwaitingWindow';
    if (!decidable || !run.pending || isTerminal(run.status)) {
      throw new ApiError(
        'RUN.NOT_AWAITING_APPROVAL',
        `${runId} is ${run.status}, not AwaitingApproval or AwaitingWindow`,
        HttpStatus.CONFLICT,
      );
    }
    const message = createMessage(
      granted ? 'ApprovalGranted' : 'ApprovalRejected',
      { by: actor.name, reason: decision.reason },
      // Caused by the ApprovalRequested, so that a decision on an earlier request is recognised as stale.
      { runId, producer: 'cli', causedBy: { eventId: run.pending.commandId } },
      { clock: this.clock, ids: this.ids },
    );
    try {
      await this.bus.publish(message);
    } catch (error) {
      throw new ApiError(
        'API.UNAVAILABLE',
        `could not publish the decision: ${(error as Error).message}`,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { runId, decision: granted ? 'granted' : 'rejected', eventId: message.eventId, by: actor.name };
  }

  /** Resumes a run parked in Failed by a failed compensation: the saga issues that compensation again and carries on. */
  async resume(runId: string, request: ResumeDto, actor: ApiActor): Promise<ResumeAcceptedView> {
    const run = this.registry.get(runId);
    if (!run) throw new ApiError('RUN.NOT_FOUND', `no run ${runId}`, HttpStatus.NOT_FOUND);
    if (run.status !== 'Failed')
      throw new ApiError(
        'RUN.NOT_FAILED',
        `${runId} is ${run.status}; only a Failed run can be resumed`,
        HttpStatus.CONFLICT,
      );
    const step = run.compensations[0];
    if (!step) {
      throw new ApiError(
        'RUN.NOTHING_TO_RESUME',
        `${runId} failed with ${run.failure?.code ?? 'a DCO failure'} and has no compensation left; start a rerun of ${run.day} instead`,
        HttpStatus.CONFLICT,
      );
    }
    const message = createMessage(
      'RunResumeRequested',
      { by: actor.name, reason: request.reason },
      { runId, producer: 'cli' },
      { clock: this.clock, ids: this.ids },
    );
    try {
      await this.bus.publish(message);
    } catch (error) {
      throw new ApiError(
        'API.UNAVAILABLE',
        `could not publish RunResumeRequested: ${(error as Error).message}`,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { runId, step, eventId: message.eventId, by: actor.name };
  }
}

function nextDay(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
