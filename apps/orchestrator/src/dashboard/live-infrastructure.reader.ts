// Reads the live infrastructure through the ports (EC2 inventory, ECS services, connection pointer), each part bounded by
// a timeout; a part that fails or times out becomes a coded error on the panel, never an exception.
import { Clock, CodedError } from '@dco/contracts';
import { withDeadline } from '@dco/probes';
import { Ec2Inventory, EcsServices } from '@dco/aws';
import { ConnectionPointerStore, FLEET_ROLE_TAG, VERSION_TAG, versionOfImage } from '@dco/neo4j';
import { LiveReadError, LiveSource } from './dashboard.port';
import { LiveInfrastructureRead } from './live-infrastructure';

export interface LiveInfrastructureSources {
  ec2: Ec2Inventory;
  ecs: EcsServices;
  pointer: ConnectionPointerStore;
  /** The ECS cluster whose services are shown. */
  cluster: string;
  /** The fleet's selector tags besides dco:role=neo4j (dco:env, DCO_NEO4J_FLEET_TAGS), as the db-migrator tags it. */
  fleetTags: Record<string, string>;
  /** How long each part may take. */
  timeoutMs: number;
  clock: Clock;
}

export class LiveInfrastructureReader {
  constructor(private readonly sources: LiveInfrastructureSources) {}

  async read(): Promise<LiveInfrastructureRead> {
    const errors: LiveReadError[] = [];
    const [instances, services, pointer] = await Promise.all([
      this.bounded('ec2', () => this.fleet(), errors),
      this.bounded('ecs', () => this.services(), errors),
      this.bounded('pointer', async () => (await this.sources.pointer.read()) ?? null, errors),
    ]);
    return {
      readAt: this.sources.clock.now().toISOString(),
      ...(instances ? { instances } : {}),
      ...(services ? { services } : {}),
      ...(pointer !== undefined ? { pointer } : {}),
      pointerLocation: this.sources.pointer.location,
      errors: errors.sort((a, b) => a.source.localeCompare(b.source)),
    };
  }

  private async fleet() {
    const { ec2, fleetTags } = this.sources;
    const instances = await ec2.findInstances({ tags: { ...fleetTags, [FLEET_ROLE_TAG.key]: FLEET_ROLE_TAG.value } });
    // An instance without its version tag (one launched by hand, the embedded demo's) takes its image's version.
    const untagged = [...new Set(instances.filter((i) => !i.tags[VERSION_TAG]).map((i) => i.imageId))];
    const images = untagged.length ? await ec2.findImagesById(untagged) : [];
    const versions = new Map(images.map((image) => [image.imageId, versionOfImage(image)]));
    return instances.map((instance) => {
      const version = instance.tags[VERSION_TAG] ?? versions.get(instance.imageId);
      return { ...instance, ...(version ? { version } : {}) };
    });
  }

  private async services() {
    const { ecs, cluster } = this.sources;
    const names = await ecs.listServices(cluster);
    const statuses = await Promise.all(names.map((name) => ecs.describeService(cluster, name)));
    return statuses.filter((status) => status !== undefined);
  }

  /** The part's value, or undefined with its error recorded: DASHBOARD.INFRA_TIMEOUT or DASHBOARD.INFRA_UNAVAILABLE. */
  private async bounded<T>(
    source: LiveSource,
    read: () => Promise<T>,
    errors: LiveReadError[],
  ): Promise<T | undefined> {
    try {
      return await withDeadline(
        read(),
        this.sources.timeoutMs,
        () =>
          new CodedError(
            'DASHBOARD.INFRA_TIMEOUT',
            `${LABELS[source]} did not answer within ${this.sources.timeoutMs} ms`,
          ),
      );
    } catch (error) {
      errors.push(
        error instanceof CodedError && error.code === 'DASHBOARD.INFRA_TIMEOUT'
          ? { source, code: error.code, message: error.message }
          : {
              source,
              code: 'DASHBOARD.INFRA_UNAVAILABLE',
              message:
                `${LABELS[source]} could not be read: ${error instanceof Error ? error.message : String(error)}`.slice(
                  0,
                  500,
                ),
            },
      );
      return undefined;
    }
  }
}

const LABELS: Record<LiveSource, string> = {
  ec2: 'EC2 (the Neo4j fleet)',
  ecs: 'ECS (the services)',
  pointer: 'the Neo4j connection pointer',
};
