// The ECS operations a rollout needs: task-definition revisions and the services that run them.

export interface TaskDefinitionSpec {
  family: string;
  image: string;
  environment: Record<string, string>;
  /** Defaults to the family. */
  containerName?: string;
  memoryMiB?: number;
  cpuUnits?: number;
  tags?: Record<string, string>;
}

export interface TaskDefinitionInfo {
  arn: string;
  family: string;
  revision: number;
  image: string;
  environment: Record<string, string>;
}

export interface ServiceDeployment {
  id: string;
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  failedTasks: number;
  /** IN_PROGRESS | COMPLETED | FAILED (circuit breaker tripped). */
  rolloutState?: string;
}

export interface ServiceStatus {
  cluster: string;
  serviceName: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  deployments: ServiceDeployment[];
}

export interface CreateServiceSpec {
  cluster: string;
  serviceName: string;
  taskDefinition: string;
  desiredCount: number;
}

export interface UpdateServiceSpec {
  cluster: string;
  serviceName: string;
  taskDefinition?: string;
  desiredCount?: number;
  /** A new deployment of the same revision: ECS replaces every task (the healer's redeploy, ADR 0033). */
  forceNewDeployment?: boolean;
}

export interface EcsServices {
  ensureCluster(name: string): Promise<void>;
  registerTaskDefinition(spec: TaskDefinitionSpec): Promise<TaskDefinitionInfo>;
  /** By ARN or family[:revision]; undefined when it does not exist. */
  describeTaskDefinition(reference: string): Promise<TaskDefinitionInfo | undefined>;
  /** undefined when the service does not exist (or is INACTIVE). */
  describeService(cluster: string, serviceName: string): Promise<ServiceStatus | undefined>;
  createService(spec: CreateServiceSpec): Promise<ServiceStatus>;
  updateService(spec: UpdateServiceSpec): Promise<ServiceStatus>;
  listServices(cluster: string): Promise<string[]>;
  /** Scales to zero and deletes; a service that does not exist is not an error. */
  deleteService(cluster: string, serviceName: string): Promise<void>;
}
