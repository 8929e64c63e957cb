// The audit trail's mapping (ADR 0028): an accepted message and the transition it caused -> the entries to record. Pure.
import { AnyMessage, AuditRecordedData, Change, DataOf, Failure, STEPS, Step } from '@dco/contracts';
import { OUTCOMES, RUN_PLAN, isOutcome } from './run-plan';
import { RunState } from './run-state';

/** An entry before its envelope: `version` and `seq` are filled in by `auditEntriesOf`. */
type Entry = Omit<AuditRecordedData, 'version' | 'seq' | 'cause'>;

/** Who caused `message`: the operator's credential for a decision or a request, else the service that sent it. */
export function actorOf(message: AnyMessage): string {
  switch (message.type) {
    case 'ApprovalGranted':
    case 'ApprovalRejected':
    case 'RunResumeRequested':
      return message.data.by;
    case 'RunRequested':
      return message.data.requestedBy;
    default:
      return message.producer;
  }
}

/**
 * What to record for `input`, accepted by the saga, which moved the run from `before` (absent for a new run) to
 * `after` and sent `sent`: what the input reports (changes, a decision, a stage's outcome, a rollback, a failure), the
 * run's status change, the steps started and the approvals asked for. Progress alone records nothing.
 */
export function auditEntriesOf(
  input: AnyMessage,
  before: RunState | undefined,
  after: RunState,
  sent: readonly AnyMessage[],
): AuditRecordedData[] {
  const actor = actorOf(input);
  const entries: Entry[] = [...reported(input, after, actor)];
  if (before?.status !== after.status)
    entries.push({
      kind: 'transition',
      actor,
      summary: `${before?.status ?? 'new'} -> ${after.status} on ${input.type}`,
      ...(before ? { from: before.status } : {}),
      to: after.status,
    });
  for (const message of sent) entries.push(...caused(message, after));
  return entries.map((entry, seq) => ({ ...entry, cause: input.type, version: after.version, seq }));
}

function reported(input: AnyMessage, after: RunState, actor: string): Entry[] {
  switch (input.type) {
    case 'ChangesDetected':
      return input.data.changes.map((change) => changeEntry(change, actor));
    case 'ApprovalGranted':
    case 'ApprovalRejected': {
      const granted = input.type === 'ApprovalGranted';
      const planId = after.approvals.at(-1)?.planId;
      return [
        {
          kind: granted ? 'approval-granted' : 'approval-rejected',
          actor,
          step: 'approval',
          summary: `${actor} ${granted ? 'approved' : 'rejected'} ${planId ? `the plan ${planId}` : 'the changes'}: ${input.data.reason}`,
          reason: input.data.reason,
          ...(planId ? { planId } : {}),
        },
      ];
    }
    case 'RunResumeRequested':
      return [
        {
          kind: 'resume-requested',
          actor,
          summary: `${actor} resumed the run: ${input.data.reason}`,
          reason: input.data.reason,
        },
      ];
    case 'InfraApplied':
      return applyEntries(actor, 'apply-infra', input.data, '');
    case 'StagingSoaked':
      // Staging's apply and rollouts (ADR 0032), and the soak that judged them.
      return applyEntries(
        actor,
        'staging',
        input.data,
        `on staging, soaked ${Math.round(input.data.soakMs / 1000)} s: `,
      );
    case 'DbMigrated': {
      const d = input.data;
      return [
        {
          kind: 'migration',
          actor,
          step: 'migrate-db',
          summary: `Neo4j ${d.fromVersion} on ${d.fromInstanceId} -> ${d.toVersion} on ${d.toInstanceId} (${d.nodes} nodes, ${d.relationships} relationships, checksum ${d.checksum})`,
        },
      ];
    }
    case 'DcoCompleted': {
      const d = input.data;
      return [
        {
          kind: 'dco',
          actor,
          step: 'run-dco',
          summary: `offering ${d.offeringId}: ${d.allocated} of ${d.offered} allocated to ${d.allocationCount} accounts (result ${d.resultHash})`,
        },
      ];
    }
    case 'InfraRolledBack':
      return [
        {
          kind: 'rollback',
          actor,
          step: 'rollback-infra',
          summary: `infrastructure back to config ${input.data.configHash}`,
        },
      ];
    case 'DbRolledBack':
      return [
        {
          kind: 'rollback',
          actor,
          step: 'rollback-db',
          summary: `Neo4j serving from ${input.data.servingInstanceId} again`,
        },
      ];
    case 'StepTimedOut':
      return [
        {
          kind: 'failure',
          actor,
          step: input.data.step,
          summary: `${input.data.step} attempt ${input.data.attempt} timed out at ${input.data.deadline}`,
        },
      ];
    default:
      return 'failure' in input.data
        ? [failureEntry(input.data.failure, isOutcome(input.type) ? OUTCOMES[input.type].step : undefined, actor)]
        : [];
  }
}

/** The entries of what the transition sent: each step started and each approval asked for (the run's own events are covered by the transition). */
function caused(message: AnyMessage, after: RunState): Entry[] {
  if (message.type === 'ApprovalRequested') {
    const planId = after.approvals.at(-1)?.planId;
    return [
      {
        kind: 'approval-requested',
        actor: 'orchestrator',
        step: 'approval',
        summary: `approval asked for ${planId ? `the plan ${planId}` : 'the changes'}: ${message.data.reasons.join('; ')}`,
        reason: message.data.reasons.join('; '),
        ...(planId ? { planId } : {}),
      },
    ];
  }
  const step = STEP_OF_COMMAND.get(message.type);
  return step ? [{ kind: 'step-started', actor: 'orchestrator', step, summary: `${message.type} sent` }] : [];
}

const STEP_OF_COMMAND: ReadonlyMap<string, Step> = new Map(STEPS.map((step) => [RUN_PLAN[step].command.type, step]));

function changeEntry(change: Change, actor: string): Entry {
  return {
    kind: 'change-detected',
    actor,
    step: 'detect',
    summary: `${change.kind} ${change.subject}: ${change.from ?? '(none)'} -> ${change.to} (${change.risk} risk)`,
    reason: change.reason,
  };
}

function failureEntry(failure: Failure, step: Step | undefined, actor: string): Entry {
  return {
    kind: 'failure',
    actor,
    ...(step ? { step } : {}),
    summary: failure.message,
    code: failure.code,
    ...(failure.detail ? { reason: failure.detail.slice(0, 2000) } : {}),
  };
}

/** An apply and each rollout it did, on production or (with `where`) on staging. */
function applyEntries(
  actor: string,
  step: Step,
  { plan, services }: Pick<DataOf<'InfraApplied'>, 'plan' | 'services'>,
  where: string,
): Entry[] {
  const counts = `${plan.adds} to add, ${plan.changes} to change, ${plan.destroys} to destroy`;
  return [
    { kind: 'apply', actor, step, planId: plan.planId, summary: `${where}applied plan ${plan.planId}: ${counts}` },
    ...services.map(
      (service): Entry => ({
        kind: 'rollout',
        actor,
        step,
        planId: plan.planId,
        summary: `${where}rolled out ${service.service} on ${service.taskDefinition}`,
      }),
    ),
  ];
}
