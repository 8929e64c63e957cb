// The RollbackInfra use case: re-apply the configuration that was good before this day's run, and put every service
// this run rolled out back on the revision it ran before. Failures are raised (INFRA.ROLLBACK_FAILED), never swallowed.
import { CodedError, DataOf, RollbackData, ServiceRevision, toFailure } from '@dco/contracts';
import { TerraformWorkspace } from '@dco/terraform';
import { EcsRollout } from '../apply-infra/ecs-rollout';

export class RollbackInfraHandler {
  constructor(
    private readonly workspace: TerraformWorkspace,
    private readonly rollout: EcsRollout,
  ) {}

  async execute(runId: string, command: RollbackData): Promise<DataOf<'InfraRolledBack'>> {
    try {
      const run = await this.workspace.runRecord(command.day);
      const target = run.previousGood ?? (await this.workspace.lastGood());
      const services: ServiceRevision[] = [];
      // Services first: they must not keep running a revision whose infrastructure is being taken away.
      for (const [service, taskDefinition] of Object.entries(run.previousRevisions).sort(([a], [b]) =>
        a.localeCompare(b),
      )) {
        services.push(await this.rollout.restore(service, taskDefinition));
      }
      if (!target) return { configHash: '', services };
      const record = await this.workspace.prepare(
        `${runId}-rollback-${target.configHash.slice(7, 19)}`,
        target.snapshotDir,
      );
      await this.workspace.apply(record.planId);
      return { configHash: target.configHash, services };
    } catch (error) {
      const failure = toFailure(error);
      throw new CodedError(
        'INFRA.ROLLBACK_FAILED',
        `rollback of ${command.day} failed: ${failure.message}`,
        `${failure.code}${failure.detail ? `\n${failure.detail}` : ''}`,
        { cause: error },
      );
    }
  }
}
