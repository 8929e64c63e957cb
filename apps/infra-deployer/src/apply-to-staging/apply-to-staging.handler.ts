// The ApplyToStaging use case (ADR 0032): production's infrastructure change set applied to the staging environment
// (the same plan/apply/rollout as ApplyInfra, on staging's workspace and cluster), then soaked: each rolled-out service's
// health across the soak is compared with its health before the rollout (ADR 0025's meter and comparator). Production is
// never touched here; the saga applies the change set to production only after StagingSoaked.
import { ApplyToStagingData, CodedError, DataOf, HealthMeasurement, ServiceHealthComparison } from '@dco/contracts';
import { HealthMeter, HealthThresholds, compareHealth, describeRegressions } from '@dco/aws';
import { ApplyInfraHandler } from '../apply-infra/apply-infra.handler';

export type ApplyToStagingOutcome =
  | { type: 'StagingSoaked'; data: DataOf<'StagingSoaked'> }
  | { type: 'StagingFailed'; data: DataOf<'StagingFailed'> };

export interface StagingEnvironment {
  /** Brings staging's configuration up to the current one (the change set) and returns its ApplyInfra use case. */
  prepare(): Promise<Pick<ApplyInfraHandler, 'execute'>>;
  /** Reads staging's services' metrics (DCO_STAGING_HEALTH_ENDPOINTS). */
  meter: HealthMeter;
  thresholds: HealthThresholds;
  /** Waits out what is left of the soak when nothing was measured across it. */
  wait(ms: number): Promise<void>;
  now(): number;
}

export class ApplyToStagingHandler {
  constructor(private readonly staging: StagingEnvironment) {}

  async execute(runId: string, command: ApplyToStagingData): Promise<ApplyToStagingOutcome> {
    const applyInfra = await this.staging.prepare();
    const changes = { day: command.day, changes: command.changes };
    let applied = await applyInfra.execute(runId, changes);
    if (applied.type === 'InfraApprovalRequired') {
      // Staging rehearses the plan a person will approve for production: it applies it without asking.
      applied = await applyInfra.execute(runId, { ...changes, approvedPlanId: applied.data.plan.planId });
    }
    if (applied.type !== 'InfraApplied')
      throw new CodedError('INTERNAL.UNEXPECTED', `staging answered ${applied.type} to an approved plan`);
    const health = await this.soak(applied.data.health ?? [], command.soakMs);
    const regressed = health.filter((comparison) => comparison.regressions.length > 0);
    if (regressed.length > 0) {
      return {
        type: 'StagingFailed',
        data: {
          failure: {
            code: 'INFRA.STAGING_REGRESSED',
            message:
              `staging regressed across a soak of ${Math.round(command.soakMs / 1000)} s:\n${describeRegressions(regressed)}`.slice(
                0,
                4000,
              ),
          },
          health,
        },
      };
    }
    const { plan, services } = applied.data;
    return {
      type: 'StagingSoaked',
      data: { plan, services, soakMs: command.soakMs, ...(health.length > 0 ? { health } : {}) },
    };
  }

  /**
   * Measures each rolled-out service across the whole soak and compares it with its health before the rollout; the
   * soak lasts soakMs whether or not anything could be measured.
   */
  private async soak(rollouts: ServiceHealthComparison[], soakMs: number): Promise<ServiceHealthComparison[]> {
    const endsAt = this.staging.now() + soakMs;
    const measured = await Promise.all(
      rollouts.map(async (rollout) => ({ rollout, soak: await this.measure(rollout.service, soakMs) })),
    );
    const left = endsAt - this.staging.now();
    if (left > 0) await this.staging.wait(left);
    return measured.map(({ rollout, soak }) =>
      soak ? compareHealth(rollout.service, rollout.before, soak, this.staging.thresholds) : rollout,
    );
  }

  private async measure(service: string, soakMs: number): Promise<HealthMeasurement | undefined> {
    return soakMs > 0 ? this.staging.meter.measure(service, soakMs) : undefined;
  }
}
