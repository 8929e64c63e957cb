// ECS rollout of one service: a new task-definition revision, a canary slice analysed first, then the rest, each gated
// on health (circuit breaker, health endpoint, error rate); a failed gate rolls back to the previous revision. Health
// measured before and after (latency p99, error rate, Neo4j query p99) is compared; a regression rolls back or alerts.
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError, HealthMeasurement, ServiceHealthComparison, ServiceRevision } from '@dco/contracts';
import {
  EcsServices,
  HealthMeter,
  HealthProbe,
  HealthSample,
  RolloutPolicy,
  ServiceStatus,
  TaskDefinitionInfo,
  compareHealth,
  describeRegressions,
} from '@dco/aws';

export interface RolloutRequest {
  service: string;
  image?: string;
  environment?: Record<string, string>;
}

export interface RolloutResult extends ServiceRevision {
  previousTaskDefinition: string;
  /** Health before vs after, when the policy compares it and both measurements could be taken. */
  health?: ServiceHealthComparison;
}

export const canaryName = (service: string) => `${service}-canary`;

/** Where a rollout reports its steps (a structured logger in the services; nothing by default). */
export type RolloutLog = (event: string, fields: Record<string, unknown>) => void;

export class EcsRollout {
  constructor(
    private readonly ecs: EcsServices,
    private readonly probe: HealthProbe,
    private readonly policy: RolloutPolicy,
    private readonly log: RolloutLog = () => undefined,
    /** Reads the services' metrics for the health comparison (policy.health); none = not compared. */
    private readonly meter?: HealthMeter,
  ) {}

  /** The task definition the service runs now (before any rollout). */
  async currentRevision(service: string): Promise<string> {
    return (await this.requireService(service)).taskDefinition;
  }

  async deploy(request: RolloutRequest): Promise<RolloutResult> {
    const before = await this.requireService(request.service);
    const current = await this.ecs.describeTaskDefinition(before.taskDefinition);
    if (!current)
      throw new CodedError(
        'INFRA.APPLY_FAILED',
        `task definition ${before.taskDefinition} of ${request.service} cannot be read`,
      );
    const wanted = {
      image: request.image ?? current.image,
      environment: { ...current.environment, ...request.environment },
    };
    if (wanted.image === current.image && sameEnvironment(wanted.environment, current.environment)) {
      return { service: request.service, taskDefinition: current.arn, previousTaskDefinition: current.arn };
    }
    const baseline = await this.measure(request.service, 'before');
    const next = await this.ecs.registerTaskDefinition({
      family: current.family,
      image: wanted.image,
      environment: wanted.environment,
    });
    this.log('rollout.registered', {
      ecsService: request.service,
      from: current.arn,
      to: next.arn,
      image: wanted.image,
    });

    if (this.policy.canaryFraction > 0) await this.canary(request.service, before, next);

    // desiredCount restated (unchanged): the emulator only recomputes runningCount when it is given.
    await this.ecs.updateService({
      cluster: this.policy.cluster,
      serviceName: request.service,
      taskDefinition: next.arn,
      desiredCount: before.desiredCount,
    });
    const failure = await this.gate(request.service, next.arn, this.policy.gateMs);
    if (failure) {
      this.log('rollout.gate_failed', {
        ecsService: request.service,
        revision: next.arn,
        reason: failure,
        rollingBackTo: current.arn,
      });
      const restored = await this.rollBack(request.service, current.arn, before.desiredCount);
      throw new CodedError(
        'INFRA.HEALTH_GATE_FAILED',
        `${request.service} failed its health gate on ${revisionName(next.arn)}; rolled back to ${revisionName(current.arn)}`,
        `${failure}${restored ? '' : `\nrollback to ${current.arn} did not reach steady state in time`}`,
      );
    }
    const health = await this.compare(request.service, baseline);
    if (health && health.regressions.length > 0) {
      const rollingBack = this.policy.health?.onRegression === 'rollback';
      this.log('rollout.health_regressed', {
        ecsService: request.service,
        revision: next.arn,
        regressions: health.regressions,
        policy: this.policy.health?.onRegression,
        ...(rollingBack ? { rollingBackTo: current.arn } : {}),
      });
      if (rollingBack) {
        const restored = await this.rollBack(request.service, current.arn, before.desiredCount);
        throw new CodedError(
          'INFRA.HEALTH_REGRESSED',
          `${request.service} regressed on ${revisionName(next.arn)} (${health.regressions.join('; ')}); rolled back to ${revisionName(current.arn)}`.slice(
            0,
            4000,
          ),
          `${describeRegressions([health])}${restored ? '' : `\nrollback to ${current.arn} did not reach steady state in time`}`,
        );
      }
    }
    this.log('rollout.completed', { ecsService: request.service, revision: next.arn });
    return {
      service: request.service,
      taskDefinition: next.arn,
      previousTaskDefinition: current.arn,
      ...(health ? { health } : {}),
    };
  }

  /** Back to the previous revision after a failed gate or a regression; true when it reached steady state. */
  private async rollBack(service: string, taskDefinition: string, desiredCount: number): Promise<boolean> {
    await this.ecs.updateService({ cluster: this.policy.cluster, serviceName: service, taskDefinition, desiredCount });
    const restored = await this.waitForSteadyState(service, taskDefinition);
    this.log('rollout.rolled_back', { ecsService: service, revision: taskDefinition, steady: restored === true });
    return restored === true;
  }

  /** The service's health over the policy's window, when the policy compares health and the metrics can be read. */
  private async measure(service: string, moment: 'before' | 'after'): Promise<HealthMeasurement | undefined> {
    const policy = this.policy.health;
    if (!this.meter || !policy || policy.windowMs <= 0) return undefined;
    const measured = await this.meter.measure(service, policy.windowMs);
    this.log(measured ? 'rollout.health_measured' : 'rollout.health_unmeasured', {
      ecsService: service,
      moment,
      ...(measured ? { ...measured } : { reason: 'metrics unreadable or not configured (DCO_HEALTH_ENDPOINTS)' }),
    });
    return measured;
  }

  private async compare(service: string, baseline: HealthMeasurement | undefined) {
    const policy = this.policy.health;
    if (!baseline || !policy) return undefined;
    const after = await this.measure(service, 'after');
    return after ? compareHealth(service, baseline, after, policy.thresholds) : undefined;
  }

  /** Puts the service back on a given revision (RollbackInfra), waits for steady state and its health. */
  async restore(service: string, taskDefinition: string): Promise<ServiceRevision> {
    const status = await this.requireService(service);
    if (status.taskDefinition !== taskDefinition) {
      await this.ecs.updateService({
        cluster: this.policy.cluster,
        serviceName: service,
        taskDefinition,
        desiredCount: status.desiredCount,
      });
    }
    const failure = await this.gate(service, taskDefinition, 0);
    if (failure)
      throw new CodedError(
        'INFRA.ROLLBACK_FAILED',
        `${service} is not healthy on ${revisionName(taskDefinition)}`,
        failure,
      );
    return { service, taskDefinition };
  }

  private async canary(service: string, primary: ServiceStatus, next: TaskDefinitionInfo): Promise<void> {
    const name = canaryName(service);
    const count = Math.max(1, Math.ceil(primary.desiredCount * this.policy.canaryFraction));
    const existing = await this.ecs.describeService(this.policy.cluster, name);
    // Created empty, then scaled: one code path for a first and a later canary, and the emulator reports the count.
    if (!existing)
      await this.ecs.createService({
        cluster: this.policy.cluster,
        serviceName: name,
        taskDefinition: next.arn,
        desiredCount: 0,
      });
    await this.ecs.updateService({
      cluster: this.policy.cluster,
      serviceName: name,
      taskDefinition: next.arn,
      desiredCount: count,
    });
    this.log('rollout.canary_started', {
      ecsService: service,
      canary: name,
      tasks: count,
      revision: next.arn,
      analysisMs: this.policy.canaryAnalysisMs,
    });
    const failure = await this.gate(name, next.arn, this.policy.canaryAnalysisMs);
    this.log(failure ? 'rollout.canary_failed' : 'rollout.canary_passed', {
      ecsService: service,
      revision: next.arn,
      ...(failure ? { reason: failure } : {}),
    });
    // The canary is a temporary slice: scaled to zero whether it passed (the primary takes over) or failed.
    await this.ecs.updateService({ cluster: this.policy.cluster, serviceName: name, desiredCount: 0 });
    if (failure) {
      throw new CodedError(
        'INFRA.CANARY_FAILED',
        `canary of ${service} on ${revisionName(next.arn)} failed its analysis; ${service} stays on ${revisionName(primary.taskDefinition)}`,
        failure,
      );
    }
  }

  /**
   * Steady state, then health samples for observeMs (at least one, and the last one healthy); returns why it failed, or
   * undefined. `failureThreshold` failed samples in a row fail the gate; each failed sample is logged.
   */
  private async gate(service: string, taskDefinition: string, observeMs: number): Promise<string | undefined> {
    const steady = await this.waitForSteadyState(service, taskDefinition);
    if (steady !== true)
      return steady === false
        ? `${service} did not reach steady state on ${revisionName(taskDefinition)} within ${this.policy.steadyStateTimeoutMs} ms`
        : steady;
    const deadline = Date.now() + observeMs;
    const threshold = Math.max(1, this.policy.failureThreshold);
    let samples = 0;
    const failed: string[] = [];
    for (;;) {
      const sample = await this.probe.sample({ service });
      samples++;
      const problem = judge(sample, this.policy.maxErrorRate);
      if (problem) {
        failed.push(`sample ${samples}: ${problem}`);
        this.log('rollout.sample_failed', {
          ecsService: service,
          revision: taskDefinition,
          sample: samples,
          consecutive: failed.length,
          threshold,
          reason: problem,
        });
        if (failed.length >= threshold) return `${service} ${failed.join('; ')}`;
      } else {
        failed.length = 0;
        if (Date.now() >= deadline) return undefined;
      }
      // A failed sample is confirmed a full interval later, past the window too; a healthy one waits at most until its end.
      const poll = this.policy.pollIntervalMs;
      await delay(failed.length > 0 ? poll : Math.min(poll, Math.max(0, deadline - Date.now())));
    }
  }

  /** true when running on the revision with every task up; false on timeout; a reason when the circuit breaker tripped. */
  private async waitForSteadyState(service: string, taskDefinition: string): Promise<true | false | string> {
    const deadline = Date.now() + this.policy.steadyStateTimeoutMs;
    for (;;) {
      const status = await this.requireService(service);
      const tripped = status.deployments.find(
        (deployment) => deployment.taskDefinition === taskDefinition && deployment.rolloutState === 'FAILED',
      );
      if (tripped)
        return `deployment circuit breaker tripped for ${service} on ${revisionName(taskDefinition)} (${tripped.failedTasks} failed tasks)`;
      // The emulator never advances deployments[0] (STACK-NOTES), so the top-level revision and counts decide.
      if (
        status.taskDefinition === taskDefinition &&
        status.runningCount === status.desiredCount &&
        status.pendingCount === 0
      )
        return true;
      if (Date.now() >= deadline) return false;
      await delay(this.policy.pollIntervalMs);
    }
  }

  private async requireService(service: string): Promise<ServiceStatus> {
    const status = await this.ecs.describeService(this.policy.cluster, service);
    if (!status)
      throw new CodedError('INFRA.APPLY_FAILED', `ECS service ${service} does not exist on ${this.policy.cluster}`);
    return status;
  }
}

function judge(sample: HealthSample, maxErrorRate: number): string | undefined {
  if (!sample.healthy) return `unhealthy: ${sample.detail}`;
  if (sample.errorRate !== undefined && sample.errorRate > maxErrorRate) {
    return `error rate ${(sample.errorRate * 100).toFixed(2)}% above ${(maxErrorRate * 100).toFixed(2)}%: ${sample.detail}`;
  }
  return undefined;
}

function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

export function revisionName(arn: string): string {
  return arn.split('/').at(-1) ?? arn;
}
