// The ApplyInfra use case: plan the configuration, ask for approval when policy says so, apply exactly the saved plan,
// replacing the resources that drifted, record it as last good, then roll out the services named by app-release changes
// and dependency builds (canary + health gates).
import { ApplyInfraData, Change, CodedError, DataOf, ServiceHealthComparison, ServiceRevision } from '@dco/contracts';
import {
  ApprovalPolicy,
  DEFAULT_APPROVAL_POLICY,
  PlanRecord,
  TerraformWorkspace,
  approvalReasons,
  driftReplaceAddresses,
} from '@dco/terraform';
import { EcsRollout, RolloutLog } from './ecs-rollout';
import { withSpan } from '@dco/observability';

/**
 * The images to roll out: each app-release change's, then the builds the release manifest maps a dependency update to
 * (ADR 0029) for services no app-release change already moves (the release wins: it is what the manifest names).
 */
export function rolloutsOf(changes: Change[]): { service: string; image: string }[] {
  const releases = changes
    .filter((change) => change.kind === 'app-release')
    .map((change) => ({ service: change.subject, image: change.to }));
  const builds = changes
    .filter((change) => change.kind === 'dependency')
    .flatMap((change) => change.dependency?.rollouts ?? [])
    .filter((rollout, index, all) => all.findIndex((other) => other.service === rollout.service) === index)
    .filter((rollout) => !releases.some((release) => release.service === rollout.service));
  return [...releases, ...builds];
}

export type ApplyInfraOutcome =
  | { type: 'InfraApplied'; data: DataOf<'InfraApplied'> }
  | { type: 'InfraApprovalRequired'; data: DataOf<'InfraApprovalRequired'> };

export class ApplyInfraHandler {
  constructor(
    private readonly workspace: TerraformWorkspace,
    private readonly rollout: EcsRollout,
    private readonly approval: ApprovalPolicy = DEFAULT_APPROVAL_POLICY,
    private readonly log: RolloutLog = () => undefined,
  ) {}

  async execute(runId: string, command: ApplyInfraData): Promise<ApplyInfraOutcome> {
    await this.workspace.rememberRunStart(command.day);
    let record: PlanRecord;
    if (command.approvedPlanId) {
      const approved = await this.workspace.planRecord(command.approvedPlanId);
      if (!approved)
        throw new CodedError(
          'INFRA.NOT_APPROVED',
          `approved plan ${command.approvedPlanId} does not exist on this infra-deployer`,
        );
      record = approved;
    } else {
      const hash = await this.workspace.currentHash();
      // Drift: the drifted resources are replaced, so the apply writes their declared values again.
      const replace = driftReplaceAddresses(command.changes);
      record = await withSpan('plan', { runId, day: command.day }, async (span) => {
        const prepared = await this.workspace.prepare(
          `${runId}-${hash.slice('sha256:'.length, 'sha256:'.length + 12)}`,
          undefined,
          undefined,
          replace,
        );
        span.setAttributes({
          'dco.plan_id': prepared.planId,
          'dco.adds': prepared.summary.adds,
          'dco.changes': prepared.summary.changes,
          'dco.destroys': prepared.summary.destroys,
        });
        return prepared;
      });
      const reasons = approvalReasons(record.summary, this.approval);
      if (reasons.length > 0 && !record.appliedAt) {
        this.log('infra.approval_required', { runId, planId: record.planId, reasons });
        return { type: 'InfraApprovalRequired', data: { plan: record.summary, reasons } };
      }
    }
    const planned = record;
    const applied = await withSpan('apply', { runId, day: command.day, planId: planned.planId }, () =>
      this.workspace.apply(planned.planId),
    );
    this.log('infra.applied', {
      runId,
      configHash: record.configHash,
      ...record.summary,
      output: applied.output.slice(-4000),
    });
    await this.workspace.prune();

    const services: ServiceRevision[] = [];
    const health: ServiceHealthComparison[] = [];
    for (const { service, image } of rolloutsOf(command.changes)) {
      await this.workspace.rememberPreviousRevision(command.day, service, await this.rollout.currentRevision(service));
      const result = await withSpan('rollout', { runId, day: command.day, service, image }, () =>
        this.rollout.deploy({ service, image }),
      );
      services.push({ service: result.service, taskDefinition: result.taskDefinition });
      if (result.health) health.push(result.health);
    }
    return {
      type: 'InfraApplied',
      data: {
        plan: applied.record.summary,
        services,
        configHash: applied.record.configHash,
        ...(health.length > 0 ? { health } : {}),
      },
    };
  }
}
