// ECS over the AWS SDK v3 (real AWS, or the moto emulator through its endpoint).
import { CodedError } from '@dco/contracts';
import {
  ContainerDefinition,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  Service,
  TaskDefinition,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { AwsClientOptions } from '../aws-client.config';
import {
  CreateServiceSpec,
  EcsServices,
  ServiceStatus,
  TaskDefinitionInfo,
  TaskDefinitionSpec,
  UpdateServiceSpec,
} from './ecs-services.port';

export class SdkEcsServices implements EcsServices {
  constructor(private readonly client: ECSClient) {}

  static fromOptions(options: AwsClientOptions): SdkEcsServices {
    return new SdkEcsServices(new ECSClient(options));
  }

  async ensureCluster(name: string): Promise<void> {
    const existing = await this.client.send(new DescribeClustersCommand({ clusters: [name] }));
    if ((existing.clusters ?? []).some((cluster) => cluster.status === 'ACTIVE')) return;
    await this.client.send(new CreateClusterCommand({ clusterName: name }));
  }

  async registerTaskDefinition(spec: TaskDefinitionSpec): Promise<TaskDefinitionInfo> {
    const result = await this.client.send(
      new RegisterTaskDefinitionCommand({
        family: spec.family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: String(spec.cpuUnits ?? 256),
        memory: String(spec.memoryMiB ?? 512),
        containerDefinitions: [
          {
            name: spec.containerName ?? spec.family,
            image: spec.image,
            essential: true,
            memory: spec.memoryMiB ?? 512,
            environment: Object.entries(spec.environment)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, value]) => ({ name, value })),
          },
        ],
        ...(spec.tags ? { tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })) } : {}),
      }),
    );
    if (!result.taskDefinition)
      throw new CodedError('INTERNAL.UNEXPECTED', `RegisterTaskDefinition returned nothing for ${spec.family}`);
    return toInfo(result.taskDefinition);
  }

  async describeTaskDefinition(reference: string): Promise<TaskDefinitionInfo | undefined> {
    try {
      const result = await this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference }));
      return result.taskDefinition ? toInfo(result.taskDefinition) : undefined;
    } catch (error) {
      if (
        error instanceof Error &&
        /ClientException|not found|Unable to describe/i.test(`${error.name} ${error.message}`)
      )
        return undefined;
      throw error;
    }
  }

  async describeService(cluster: string, serviceName: string): Promise<ServiceStatus | undefined> {
    let result;
    try {
      result = await this.client.send(new DescribeServicesCommand({ cluster, services: [serviceName] }));
    } catch (error) {
      // No cluster, no service: the same answer as for a service that does not exist.
      if (error instanceof Error && error.name === 'ClusterNotFoundException') return undefined;
      throw error;
    }
    const service = (result.services ?? []).find((candidate) => candidate.status !== 'INACTIVE');
    return service ? toStatus(cluster, service) : undefined;
  }

  async createService(spec: CreateServiceSpec): Promise<ServiceStatus> {
    const result = await this.client.send(
      new CreateServiceCommand({
        cluster: spec.cluster,
        serviceName: spec.serviceName,
        taskDefinition: spec.taskDefinition,
        desiredCount: spec.desiredCount,
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: false },
          minimumHealthyPercent: 100,
          maximumPercent: 200,
        },
      }),
    );
    if (!result.service)
      throw new CodedError('INTERNAL.UNEXPECTED', `CreateService returned nothing for ${spec.serviceName}`);
    return toStatus(spec.cluster, result.service);
  }

  async updateService(spec: UpdateServiceSpec): Promise<ServiceStatus> {
    const result = await this.client.send(
      new UpdateServiceCommand({
        cluster: spec.cluster,
        service: spec.serviceName,
        ...(spec.taskDefinition ? { taskDefinition: await this.fullArn(spec.taskDefinition) } : {}),
        ...(spec.desiredCount !== undefined ? { desiredCount: spec.desiredCount } : {}),
        ...(spec.forceNewDeployment ? { forceNewDeployment: true } : {}),
      }),
    );
    if (!result.service)
      throw new CodedError('INTERNAL.UNEXPECTED', `UpdateService returned nothing for ${spec.serviceName}`);
    return toStatus(spec.cluster, result.service);
  }

  async listServices(cluster: string): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListServicesCommand({ cluster, nextToken }));
      names.push(...(page.serviceArns ?? []).map((arn) => arn.split('/').at(-1) ?? arn));
      nextToken = page.nextToken;
    } while (nextToken);
    // Deleted services linger as INACTIVE for a while (and forever on the emulator): not running, so not listed.
    const active: string[] = [];
    for (let index = 0; index < names.length; index += 10) {
      const batch = await this.client.send(
        new DescribeServicesCommand({ cluster, services: names.slice(index, index + 10) }),
      );
      active.push(
        ...(batch.services ?? [])
          .filter((service) => service.status !== 'INACTIVE')
          .map((service) => service.serviceName ?? ''),
      );
    }
    return active.sort();
  }

  async deleteService(cluster: string, serviceName: string): Promise<void> {
    if (!(await this.describeService(cluster, serviceName))) return;
    await this.client.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 }));
    await this.client.send(new DeleteServiceCommand({ cluster, service: serviceName }));
  }

  /** The service keeps whatever string it was given; a full ARN keeps comparisons exact (moto stores it verbatim). */
  private async fullArn(reference: string): Promise<string> {
    if (reference.startsWith('arn:')) return reference;
    const info = await this.describeTaskDefinition(reference);
    if (!info) throw new CodedError('INFRA.APPLY_FAILED', `ClientException: task definition ${reference} not found`);
    return info.arn;
  }
}

function toInfo(definition: TaskDefinition): TaskDefinitionInfo {
  const container: ContainerDefinition = definition.containerDefinitions?.[0] ?? {};
  return {
    arn: definition.taskDefinitionArn ?? '',
    family: definition.family ?? '',
    revision: definition.revision ?? 0,
    image: container.image ?? '',
    environment: Object.fromEntries((container.environment ?? []).map((pair) => [pair.name ?? '', pair.value ?? ''])),
  };
}

function toStatus(cluster: string, service: Service): ServiceStatus {
  return {
    cluster,
    serviceName: service.serviceName ?? '',
    taskDefinition: service.taskDefinition ?? '',
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    pendingCount: service.pendingCount ?? 0,
    deployments: (service.deployments ?? []).map((deployment) => ({
      id: deployment.id ?? '',
      status: deployment.status ?? '',
      taskDefinition: deployment.taskDefinition ?? '',
      desiredCount: deployment.desiredCount ?? 0,
      runningCount: deployment.runningCount ?? 0,
      failedTasks: deployment.failedTasks ?? 0,
      ...(deployment.rolloutState ? { rolloutState: deployment.rolloutState } : {}),
    })),
  };
}
