// Rolls the Neo4j-consuming ECS services: a new task-definition revision with the new NEO4J_URI, UpdateService, wait for the rollout.
import { CodedError } from '@dco/contracts';
import { EcsServices } from '@dco/aws';
import { abortWaiting, waitFor } from '@dco/probes';
import { Neo4jEndpoint } from '../pointer/connection-pointer.port';
import { ConsumerRollout, Neo4jConsumers } from './neo4j-consumers.port';

export interface ConsumerService {
  cluster: string;
  serviceName: string;
}

export class EcsNeo4jConsumers implements Neo4jConsumers {
  constructor(
    private readonly ecs: EcsServices,
    private readonly services: ConsumerService[],
    private readonly options: { rolloutTimeoutMs?: number; variable?: string } = {},
  ) {}

  private get variable(): string {
    return this.options.variable ?? 'NEO4J_URI';
  }

  async pointTo(endpoint: Neo4jEndpoint, context: { runId: string }): Promise<ConsumerRollout[]> {
    const rollouts: ConsumerRollout[] = [];
    for (const { cluster, serviceName } of this.services) {
      const name = `${cluster}/${serviceName}`;
      const service = await this.ecs.describeService(cluster, serviceName);
      if (!service) throw new CodedError('DB.SWITCH_FAILED', `ECS service ${name} does not exist`);
      const current = await this.ecs.describeTaskDefinition(service.taskDefinition);
      if (!current)
        throw new CodedError('DB.SWITCH_FAILED', `task definition ${service.taskDefinition} of ${name} does not exist`);
      if (current.environment[this.variable] === endpoint.boltUri) {
        rollouts.push({ service: name, fromTaskDefinition: current.arn, toTaskDefinition: current.arn });
        continue;
      }
      const next = await this.ecs.registerTaskDefinition({
        family: current.family,
        image: current.image,
        environment: { ...current.environment, [this.variable]: endpoint.boltUri },
        tags: { 'dco:run-id': context.runId, 'dco:neo4j-instance': endpoint.instanceId },
      });
      // desiredCount restated: the emulator only recomputes runningCount when it is given.
      await this.ecs.updateService({
        cluster,
        serviceName,
        taskDefinition: next.arn,
        desiredCount: service.desiredCount,
      });
      await this.awaitRollout(cluster, serviceName, next.arn);
      rollouts.push({ service: name, fromTaskDefinition: current.arn, toTaskDefinition: next.arn });
    }
    const uris = await this.currentUris();
    const stale = Object.entries(uris).filter(([, uri]) => uri !== endpoint.boltUri);
    if (stale.length)
      throw new CodedError(
        'DB.SWITCH_FAILED',
        `services still use the old Neo4j: ${stale.map(([s, u]) => `${s} -> ${u}`).join(', ')}`,
      );
    return rollouts;
  }

  async currentUris(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const { cluster, serviceName } of this.services) {
      const service = await this.ecs.describeService(cluster, serviceName);
      const definition = service ? await this.ecs.describeTaskDefinition(service.taskDefinition) : undefined;
      out[`${cluster}/${serviceName}`] = definition?.environment[this.variable] ?? '';
    }
    return out;
  }

  private async awaitRollout(cluster: string, serviceName: string, arn: string): Promise<void> {
    const timeoutMs = this.options.rolloutTimeoutMs ?? 600_000;
    await waitFor(
      async () => {
        const status = await this.ecs.describeService(cluster, serviceName);
        if (!status || status.taskDefinition !== arn) return undefined;
        const deployment = status.deployments.find((d) => d.taskDefinition === arn);
        if (deployment?.rolloutState === 'FAILED')
          abortWaiting(
            new CodedError(
              'DB.SWITCH_FAILED',
              `the rollout of ${cluster}/${serviceName} to ${arn} failed (circuit breaker)`,
            ),
          );
        // Real ECS reports the new deployment's rolloutState; the emulator only keeps service-level counts.
        const steady = deployment
          ? deployment.rolloutState === 'COMPLETED' ||
            (deployment.rolloutState === undefined && deployment.runningCount >= deployment.desiredCount)
          : status.runningCount === status.desiredCount && status.pendingCount === 0;
        return steady ? true : undefined;
      },
      { timeoutMs, intervalMs: 1_000, description: `${cluster}/${serviceName} to run ${arn}` },
    ).catch((error: unknown) => {
      if (error instanceof CodedError) throw error;
      throw new CodedError('DB.SWITCH_FAILED', `${cluster}/${serviceName} did not reach ${arn} within ${timeoutMs} ms`);
    });
  }
}
