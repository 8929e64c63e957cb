// Neo4jFleet over the ECS API: one service per fleet member (blue, green, retiring), its task definition carrying the Neo4j image
// version and the EFS volume its store lives on; a host runtime decides how Neo4j starts for it (the task in AWS, a process locally).
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  Service,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CodedError } from '@dco/contracts';
import { LaunchedHost, Neo4jHostRuntime } from './neo4j-host.runtime';
import { asProvisionFailure, awaitBolt, fleetScopeDigest, fleetCall } from './neo4j-fleet.support';
import {
  BOLT_URI_TAG,
  CLIENT_TOKEN_TAG,
  COLOR_TAG,
  FLEET_ROLE_TAG,
  Neo4jColor,
  Neo4jFleet,
  Neo4jInstance,
  ProvisionOptions,
  VERSION_TAG,
} from './neo4j-fleet.port';

export interface EcsFleetOptions {
  cluster: string;
  /** The container repository: a member of version V runs `<repository>:<V>` (e.g. neo4j:5.26.19). */
  containerRepository: string;
  /** The EFS file system every member's store lives on, each in a directory of its own (/data/<service>). */
  fileSystemId: string;
  /** Fargate's awsvpc network; the emulator needs none. */
  subnetIds?: string[];
  securityGroupIds?: string[];
  /** Fargate task size (a valid CPU/memory pair) and the server's memory within it. */
  cpuUnits?: number;
  memoryMiB?: number;
  heapMb?: number;
  pageCacheMb?: number;
  /** Lets the task pull the image and write logs (required by Fargate for private registries and awslogs). */
  executionRoleArn?: string;
  /**
   * The Secrets Manager secret (ARN) holding `neo4j/<password>`: ECS puts it into the container's NEO4J_AUTH (the image
   * sets that password on the store's first start), so the password is in no task definition. The execution role must
   * be allowed to read it. Required in aws (the migrator logs in with NEO4J_PASSWORD); the local runtime sets the
   * password itself.
   */
  authSecretArn?: string;
  /** Extra tags (dco:env, DCO_NEO4J_FLEET_TAGS) put on every service; they also select the fleet and scope its names. */
  fleetTags?: Record<string, string>;
  readyTimeoutMs?: number;
  /** The Neo4j version a released image (the AMI the detector found) stands for. */
  versionOf(imageId: string): Promise<string>;
  /** Resolves when Bolt at the URI answers with the expected version, rejects otherwise. */
  probe(boltUri: string, version: string): Promise<void>;
}

/** ECS service names and task-definition families: letters, digits, hyphens and underscores, at most 255. */
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
export const NEO4J_CONTAINER = 'neo4j';
export const NEO4J_DATA_VOLUME = 'neo4j-data';
export const BOLT_PORT = 7687;
export const HTTP_PORT = 7474;
/** The released image a member was provisioned from (EC2 has it as the instance's ImageId). */
export const IMAGE_ID_TAG = 'dco:image-id';

/**
 * The service (and task-definition family) of a logical token (runId + step) in one fleet: readable, and scoped by a digest
 * of the fleet's tags like the EC2 ClientToken, so a redelivered command finds its member and two environments never collide.
 */
export function ecsServiceName(token: string, fleetTags: Record<string, string>): string {
  const readable = token.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return `neo4j-${readable}-${fleetScopeDigest(token, fleetTags)}`;
}

const tagsOf = (service: Service): Record<string, string> =>
  Object.fromEntries((service.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
const ecsTags = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export class EcsNeo4jFleet implements Neo4jFleet {
  constructor(
    private readonly ecs: ECSClient,
    private readonly runtime: Neo4jHostRuntime,
    private readonly options: EcsFleetOptions,
  ) {}

  async provision(imageId: string, options: ProvisionOptions): Promise<Neo4jInstance> {
    const version = await this.options.versionOf(imageId);
    const serviceName = ecsServiceName(options.clientToken, this.fleetTags());
    let host = await this.findMember(serviceName);
    if (!host) {
      const tags = {
        ...this.fleetTags(),
        [COLOR_TAG]: 'green',
        [VERSION_TAG]: version,
        [CLIENT_TOKEN_TAG]: options.clientToken,
        [IMAGE_ID_TAG]: imageId,
      };
      await this.ensureCluster();
      const definition = await this.call('RegisterTaskDefinition', () =>
        this.ecs.send(new RegisterTaskDefinitionCommand(this.taskDefinition(serviceName, version, tags))),
      );
      const taskDefinition = definition.taskDefinition?.taskDefinitionArn;
      if (!taskDefinition)
        throw new CodedError('DB.PROVISION_FAILED', `RegisterTaskDefinition of ${serviceName} returned nothing`);
      await this.call('CreateService', () =>
        this.ecs.send(
          new CreateServiceCommand({
            cluster: this.options.cluster,
            serviceName,
            taskDefinition,
            // One server per member: a second task would open the same store.
            desiredCount: 1,
            launchType: 'FARGATE',
            deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 },
            ...this.network(),
            propagateTags: 'SERVICE',
            enableECSManagedTags: true,
            tags: ecsTags(tags),
          }),
        ),
      );
      host = { instanceId: serviceName, tags };
    }
    try {
      const started = await this.runtime.start(host, version);
      await this.tag(serviceName, { ...started.tags, [BOLT_URI_TAG]: started.boltUri });
      const timeoutMs = options.readyTimeoutMs ?? this.options.readyTimeoutMs ?? 300_000;
      await awaitBolt(this.options.probe, { id: serviceName, boltUri: started.boltUri, version, timeoutMs });
      return {
        instanceId: serviceName,
        imageId,
        boltUri: started.boltUri,
        version,
        color: 'green',
        clientToken: options.clientToken,
      };
    } catch (error) {
      // A green that never serves is not left running (and billed).
      await this.terminate(serviceName);
      throw asProvisionFailure(error);
    }
  }

  async terminate(instanceId: string): Promise<void> {
    const service = await this.findService(instanceId);
    if (!service) return;
    await this.runtime.stop({ instanceId, tags: tagsOf(service) });
    const cluster = this.options.cluster;
    await this.call('UpdateService', () =>
      this.ecs.send(new UpdateServiceCommand({ cluster, service: instanceId, desiredCount: 0 })),
    );
    await this.call('DeleteService', () => this.ecs.send(new DeleteServiceCommand({ cluster, service: instanceId })));
    // The revision stays describable (INACTIVE) for the record; it can no longer start a task.
    if (service.taskDefinition)
      await this.call('DeregisterTaskDefinition', () =>
        this.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: service.taskDefinition })),
      );
  }

  async describe(): Promise<Neo4jInstance[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('ListServices', () =>
        this.ecs.send(new ListServicesCommand({ cluster: this.options.cluster, nextToken })).catch((error: Error) => {
          if (error.name === 'ClusterNotFoundException') return { serviceArns: [], nextToken: undefined };
          throw error;
        }),
      );
      names.push(...(page.serviceArns ?? []).map((arn) => arn.split('/').at(-1) ?? arn));
      nextToken = page.nextToken;
    } while (nextToken);
    const members: Neo4jInstance[] = [];
    for (let index = 0; index < names.length; index += 10) {
      for (const service of await this.describeServices(names.slice(index, index + 10))) {
        const tags = tagsOf(service);
        members.push({
          instanceId: service.serviceName ?? '',
          imageId: tags[IMAGE_ID_TAG] ?? '',
          boltUri: tags[BOLT_URI_TAG] ?? '',
          version: tags[VERSION_TAG] ?? '',
          color: tags[COLOR_TAG] as Neo4jColor | undefined,
          clientToken: tags[CLIENT_TOKEN_TAG],
        });
      }
    }
    return members;
  }

  /** An endpoint that is not a member of this fleet (e.g. the stack's own blue server) has no color to set. */
  async setColor(instanceId: string, color: Neo4jColor): Promise<void> {
    if (!(await this.findService(instanceId))) return;
    await this.tag(instanceId, { [COLOR_TAG]: color });
  }

  /** What a member runs: the image of its version, Bolt and HTTP, its store in a directory of its own on the EFS volume. */
  private taskDefinition(family: string, version: string, tags: Record<string, string>) {
    const { heapMb = 2_048, pageCacheMb = 2_048 } = this.options;
    return {
      family,
      requiresCompatibilities: ['FARGATE' as const],
      networkMode: 'awsvpc' as const,
      cpu: String(this.options.cpuUnits ?? 2_048),
      memory: String(this.options.memoryMiB ?? 8_192),
      ...(this.options.executionRoleArn ? { executionRoleArn: this.options.executionRoleArn } : {}),
      volumes: [
        {
          name: NEO4J_DATA_VOLUME,
          efsVolumeConfiguration: {
            fileSystemId: this.options.fileSystemId,
            rootDirectory: '/',
            transitEncryption: 'ENABLED' as const,
          },
        },
      ],
      containerDefinitions: [
        {
          name: NEO4J_CONTAINER,
          image: `${this.options.containerRepository}:${version}`,
          essential: true,
          portMappings: [
            { name: 'bolt', containerPort: BOLT_PORT, protocol: 'tcp' as const },
            { name: 'http', containerPort: HTTP_PORT, protocol: 'tcp' as const },
          ],
          mountPoints: [{ sourceVolume: NEO4J_DATA_VOLUME, containerPath: '/data', readOnly: false }],
          ...(this.options.authSecretArn
            ? { secrets: [{ name: 'NEO4J_AUTH', valueFrom: this.options.authSecretArn }] }
            : {}),
          environment: Object.entries({
            // Blue and green share the file system, never a store.
            NEO4J_server_directories_data: `/data/${family}`,
            NEO4J_server_memory_heap_initial__size: `${heapMb}m`,
            NEO4J_server_memory_heap_max__size: `${heapMb}m`,
            NEO4J_server_memory_pagecache_size: `${pageCacheMb}m`,
          }).map(([name, value]) => ({ name, value })),
          healthCheck: {
            command: ['CMD-SHELL', `wget -q -O /dev/null http://localhost:${HTTP_PORT} || exit 1`],
            interval: 15,
            timeout: 5,
            retries: 4,
            startPeriod: 120,
          },
          // A clean shutdown checkpoints the store; SIGKILL after 30 s (the default) would force recovery on the next start.
          stopTimeout: 120,
        },
      ],
      tags: ecsTags(tags),
    };
  }

  private network() {
    if (!this.options.subnetIds?.length) return {};
    return {
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: this.options.subnetIds,
          securityGroups: this.options.securityGroupIds,
          assignPublicIp: 'DISABLED' as const,
        },
      },
    };
  }

  private fleetTags(): Record<string, string> {
    return { [FLEET_ROLE_TAG.key]: FLEET_ROLE_TAG.value, ...this.options.fleetTags };
  }

  private async ensureCluster(): Promise<void> {
    const cluster = this.options.cluster;
    const existing = await this.call('DescribeClusters', () =>
      this.ecs.send(new DescribeClustersCommand({ clusters: [cluster] })),
    );
    if ((existing.clusters ?? []).some((c) => c.status === 'ACTIVE')) return;
    await this.call('CreateCluster', () => this.ecs.send(new CreateClusterCommand({ clusterName: cluster })));
  }

  /** The fleet's live services among `names`: ACTIVE (a deleted one lingers as INACTIVE) and carrying every fleet tag. */
  private async describeServices(names: string[]): Promise<Service[]> {
    const valid = names.filter((name) => ECS_NAME.test(name));
    if (valid.length === 0) return [];
    const result = await this.call('DescribeServices', () =>
      this.ecs
        .send(new DescribeServicesCommand({ cluster: this.options.cluster, services: valid, include: ['TAGS'] }))
        .catch((error: Error) => {
          if (error.name === 'ClusterNotFoundException') return { services: [] };
          throw error;
        }),
    );
    const fleetTags = this.fleetTags();
    return (result.services ?? []).filter((service) => {
      const tags = tagsOf(service);
      return service.status === 'ACTIVE' && Object.entries(fleetTags).every(([key, value]) => tags[key] === value);
    });
  }

  private async findService(name: string): Promise<Service | undefined> {
    return (await this.describeServices([name]))[0];
  }

  private async findMember(name: string): Promise<LaunchedHost | undefined> {
    const service = await this.findService(name);
    return service ? { instanceId: name, tags: tagsOf(service) } : undefined;
  }

  private async tag(serviceName: string, tags: Record<string, string>): Promise<void> {
    const service = await this.findService(serviceName);
    if (!service?.serviceArn) throw new CodedError('DB.PROVISION_FAILED', `ECS service ${serviceName} is gone`);
    await this.call('TagResource', () =>
      this.ecs.send(new TagResourceCommand({ resourceArn: service.serviceArn, tags: ecsTags(tags) })),
    );
  }

  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return fleetCall('ECS', operation, send);
  }
}
