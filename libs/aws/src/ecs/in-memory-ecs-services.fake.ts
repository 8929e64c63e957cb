// In-memory ECS for unit tests and the embedded profile: revisions per family, services whose rollouts finish at once.
import {
  CreateServiceSpec,
  EcsServices,
  ServiceStatus,
  TaskDefinitionInfo,
  TaskDefinitionSpec,
  UpdateServiceSpec,
} from './ecs-services.port';

const REGION_ACCOUNT = 'us-east-1:123456789012';

export class InMemoryEcsServices implements EcsServices {
  private readonly clusters = new Set<string>();
  private readonly taskDefinitions = new Map<string, TaskDefinitionInfo[]>();
  private readonly services = new Map<string, ServiceStatus>();
  private deploymentSequence = 0;

  async ensureCluster(name: string): Promise<void> {
    this.clusters.add(name);
  }

  async registerTaskDefinition(spec: TaskDefinitionSpec): Promise<TaskDefinitionInfo> {
    const revisions = this.taskDefinitions.get(spec.family) ?? [];
    const revision = revisions.length + 1;
    const info: TaskDefinitionInfo = {
      arn: `arn:aws:ecs:${REGION_ACCOUNT}:task-definition/${spec.family}:${revision}`,
      family: spec.family,
      revision,
      image: spec.image,
      environment: { ...spec.environment },
    };
    this.taskDefinitions.set(spec.family, [...revisions, info]);
    return structuredClone(info);
  }

  async describeTaskDefinition(reference: string): Promise<TaskDefinitionInfo | undefined> {
    const name = reference.includes(':task-definition/') ? reference.split(':task-definition/')[1] : reference;
    const [family, revisionText] = name.split(':');
    const revisions = this.taskDefinitions.get(family) ?? [];
    const found = revisionText ? revisions.find((info) => info.revision === Number(revisionText)) : revisions.at(-1);
    return found ? structuredClone(found) : undefined;
  }

  async describeService(cluster: string, serviceName: string): Promise<ServiceStatus | undefined> {
    const service = this.services.get(`${cluster}/${serviceName}`);
    return service ? structuredClone(service) : undefined;
  }

  async createService(spec: CreateServiceSpec): Promise<ServiceStatus> {
    this.requireCluster(spec.cluster);
    const arn = await this.requireTaskDefinition(spec.taskDefinition);
    const status: ServiceStatus = {
      cluster: spec.cluster,
      serviceName: spec.serviceName,
      taskDefinition: arn,
      desiredCount: spec.desiredCount,
      runningCount: spec.desiredCount,
      pendingCount: 0,
      deployments: [this.completedDeployment(arn, spec.desiredCount)],
    };
    this.services.set(`${spec.cluster}/${spec.serviceName}`, status);
    return structuredClone(status);
  }

  async updateService(spec: UpdateServiceSpec): Promise<ServiceStatus> {
    this.requireCluster(spec.cluster);
    const service = this.services.get(`${spec.cluster}/${spec.serviceName}`);
    if (!service) throw new Error(`ServiceNotFoundException: ${spec.serviceName} in ${spec.cluster}`);
    if (spec.taskDefinition) service.taskDefinition = await this.requireTaskDefinition(spec.taskDefinition);
    if (spec.desiredCount !== undefined) service.desiredCount = spec.desiredCount;
    service.runningCount = service.desiredCount;
    service.pendingCount = 0;
    service.deployments = [this.completedDeployment(service.taskDefinition, service.desiredCount)];
    return structuredClone(service);
  }

  /**
   * Tasks that failed their health checks and were stopped: fewer run than desired until the next deployment starts
   * healthy ones (what the healer's specs inject; ECS' own replacement is out of this fake's scope).
   */
  stopTasks(cluster: string, serviceName: string, count: number): void {
    const service = this.services.get(`${cluster}/${serviceName}`);
    if (!service) throw new Error(`ServiceNotFoundException: ${serviceName} in ${cluster}`);
    service.runningCount = Math.max(0, service.runningCount - count);
    service.pendingCount = service.desiredCount - service.runningCount;
  }

  async listServices(cluster: string): Promise<string[]> {
    return [...this.services.values()]
      .filter((service) => service.cluster === cluster)
      .map((service) => service.serviceName);
  }

  async deleteService(cluster: string, serviceName: string): Promise<void> {
    this.services.delete(`${cluster}/${serviceName}`);
  }

  private completedDeployment(taskDefinition: string, count: number): ServiceStatus['deployments'][number] {
    return {
      id: `ecs-svc/${++this.deploymentSequence}`,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: count,
      runningCount: count,
      failedTasks: 0,
      rolloutState: 'COMPLETED',
    };
  }

  private requireCluster(cluster: string): void {
    if (!this.clusters.has(cluster)) throw new Error(`ClusterNotFoundException: ${cluster}`);
  }

  private async requireTaskDefinition(reference: string): Promise<string> {
    const info = await this.describeTaskDefinition(reference);
    if (!info) throw new Error(`ClientException: task definition ${reference} not found`);
    return info.arn;
  }
}
