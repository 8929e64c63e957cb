// The read model of a run as the REST API and the dashboard show it: status, step timeline, changes, approvals, alerts.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_STATUSES, RunState, UPDATE_WINDOW_POLICIES, isTerminal } from '@dco/saga';

export class StepView {
  @ApiProperty({ example: 'apply-infra' }) step!: string;
  @ApiProperty() attempt!: number;
  @ApiProperty({
    example: 'succeeded',
    enum: ['running', 'succeeded', 'failed', 'timed-out', 'deferred', 'rejected', 'skipped', 'needs-approval'],
  })
  outcome!: string;
  @ApiProperty() startedAt!: string;
  @ApiPropertyOptional() endedAt?: string;
  @ApiPropertyOptional() durationMs?: number;
  @ApiPropertyOptional() deadline?: string;
  @ApiPropertyOptional() failure?: { code: string; message: string };
  @ApiPropertyOptional() progress?: string;
}

export class ChangeView {
  @ApiProperty() kind!: string;
  @ApiProperty() subject!: string;
  @ApiPropertyOptional() from?: string;
  @ApiProperty() to!: string;
  @ApiProperty() risk!: string;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({
    description: 'applied at once, not in a quieter window: a security advisory covers what runs',
  })
  urgent?: boolean;
  @ApiPropertyOptional({
    description: 'registry-detected dependency updates: package, installed state, services, advisories, rollouts',
  })
  dependency?: {
    package: string;
    installed: string;
    services: string[];
    advisories: { id: string; severity: string; title: string; url?: string }[];
    rollouts: { service: string; image: string }[];
  };
}

export class ApprovalView {
  @ApiProperty({ enum: ['changes', 'plan', 'catch-up', 'window'] }) gate!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty() requestedAt!: string;
  @ApiPropertyOptional() planId?: string;
  @ApiPropertyOptional() decision?: { granted: boolean; by: string; reason: string; at: string };
}

export class AlertView {
  @ApiProperty({ enum: ['info', 'warning', 'critical'] }) severity!: string;
  @ApiProperty() cause!: string;
  @ApiProperty() summary!: string;
  @ApiProperty() at!: string;
}

export class ResumeView {
  @ApiProperty({ example: 'rollback-db', description: 'the compensation issued again' }) step!: string;
  @ApiProperty({ example: 'carol' }) by!: string;
  @ApiProperty({ example: 'restored the SSM parameter by hand' }) reason!: string;
  @ApiProperty() at!: string;
  @ApiPropertyOptional({ description: 'the compensation failure that had parked the run' }) failure?: {
    code: string;
    message: string;
  };
}

export class HealthMeasurementView {
  @ApiProperty({ description: 'requests in the measurement window' }) requests!: number;
  @ApiPropertyOptional() latencyP99Ms?: number;
  @ApiPropertyOptional({ description: 'failed / all requests, 0..1' }) errorRate?: number;
  @ApiProperty() neo4jQueries!: number;
  @ApiPropertyOptional() neo4jQueryP99Ms?: number;
}

export class HealthView {
  @ApiProperty({ example: 'apply-infra' }) step!: string;
  @ApiProperty({ example: 'dco-runner' }) service!: string;
  @ApiProperty({ type: HealthMeasurementView }) before!: HealthMeasurementView;
  @ApiProperty({ type: HealthMeasurementView }) after!: HealthMeasurementView;
  @ApiProperty({ type: [String], description: 'what regressed beyond the thresholds (empty: nothing)' })
  regressions!: string[];
  @ApiPropertyOptional({ description: 'measures not judged for lack of traffic' }) inconclusive?: string;
}

export class UpdateWindowView {
  @ApiProperty({ enum: UPDATE_WINDOW_POLICIES, description: 'DCO_UPDATE_WINDOW when the window was chosen' })
  policy!: string;
  @ApiProperty({
    enum: ['tick', 'urgent', 'no-forecast', 'no-fit', 'forecast'],
    description: 'why the window is what it is: the policy, an urgent run, no forecast, no window fits, the forecast',
  })
  reason!: string;
  @ApiProperty({ description: 'when the change set starts' }) start!: string;
  @ApiProperty({ description: 'when it ends at the stages expected durations' }) end!: string;
  @ApiProperty() decidedAt!: string;
  @ApiPropertyOptional({ description: 'predicted mean load in the window' }) predictedLoad?: number;
  @ApiPropertyOptional({ description: 'predicted mean load had it started when the window was chosen' })
  predictedLoadNow?: number;
  @ApiPropertyOptional({ description: 'the operator who opened the window early' }) openedBy?: string;
}

export class RunSummaryView {
  @ApiProperty({ example: 'dco-2026-11-26' }) runId!: string;
  @ApiProperty({ example: '2026-11-26' }) day!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: string;
  @ApiProperty() finished!: boolean;
  @ApiProperty() trigger!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional() currentStep?: string;
  @ApiPropertyOptional() resultHash?: string;
  @ApiPropertyOptional() failure?: { code: string; message: string };
}

export class RunView extends RunSummaryView {
  @ApiPropertyOptional() requestedBy?: string;
  @ApiProperty() dcoDeadline!: string;
  @ApiPropertyOptional({ description: 'RunStarted + the maximum run time: no update stage waits past it' })
  runDeadline?: string;
  @ApiProperty({ type: [StepView] }) steps!: StepView[];
  @ApiProperty({ type: [ChangeView] }) changes!: ChangeView[];
  @ApiProperty({ type: [ChangeView] }) deferred!: ChangeView[];
  @ApiPropertyOptional({ type: UpdateWindowView, description: 'when the change set is applied (ADR 0027)' })
  updateWindow?: UpdateWindowView;
  @ApiProperty({ type: [ApprovalView] }) approvals!: ApprovalView[];
  @ApiProperty({ type: [AlertView] }) alerts!: AlertView[];
  @ApiPropertyOptional({ type: [ResumeView], description: 'operator resumes of the run from Failed, oldest first' })
  resumes?: ResumeView[];
  @ApiPropertyOptional({
    type: [HealthView],
    description: "each rolled-out service's health before and after its update",
  })
  health?: HealthView[];
  @ApiProperty({ type: [String] }) rolledBack!: string[];
  @ApiProperty({ type: [String], description: 'compensations an operator still has to finish (a parked run)' })
  pendingCompensations!: string[];
  @ApiPropertyOptional() compensationFailure?: { code: string; message: string };
  @ApiPropertyOptional({ description: 'the run whose DCO result this rerun reports' }) dcoReusedFrom?: string;
}

export function toSummary(state: RunState): RunSummaryView {
  return {
    runId: state.runId,
    day: state.day,
    status: state.status,
    finished: isTerminal(state.status),
    trigger: state.trigger,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    ...(state.pending ? { currentStep: state.pending.step } : {}),
    ...(state.resultHash ? { resultHash: state.resultHash } : {}),
    ...(state.failure ? { failure: { code: state.failure.code, message: state.failure.message } } : {}),
  };
}

export function toView(state: RunState): RunView {
  return {
    ...toSummary(state),
    ...(state.requestedBy ? { requestedBy: state.requestedBy } : {}),
    dcoDeadline: state.dcoDeadline,
    ...(state.runDeadline ? { runDeadline: state.runDeadline } : {}),
    steps: state.timeline.map((record) => ({
      ...record,
      ...(state.pending && state.pending.step === record.step && state.pending.attempt === record.attempt
        ? { deadline: state.pending.deadline }
        : {}),
    })),
    changes: state.changes,
    deferred: state.deferred,
    ...(state.updateWindow ? { updateWindow: state.updateWindow } : {}),
    approvals: state.approvals,
    alerts: state.alerts,
    resumes: state.resumes ?? [],
    ...(state.health ? { health: state.health } : {}),
    rolledBack: state.rolledBack,
    pendingCompensations: state.status === 'Failed' ? state.compensations : [],
    ...(state.compensationFailure ? { compensationFailure: state.compensationFailure } : {}),
    ...(state.dcoReusedFrom ? { dcoReusedFrom: state.dcoReusedFrom } : {}),
  };
}
