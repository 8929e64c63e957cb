// Neo4jFleet in memory: provisioning creates an in-memory graph server of the image's version (embedded profile, unit specs).
import { CodedError } from '@dco/contracts';
import { Neo4jColor, Neo4jFleet, Neo4jInstance, ProvisionOptions } from '../fleet/neo4j-fleet.port';
import { InMemoryGraphDatabase, InMemoryGraphServers } from './in-memory-graph-database.fake';

export class InMemoryNeo4jFleet implements Neo4jFleet {
  private readonly instances = new Map<string, Neo4jInstance>();
  private sequence = 0;
  /** Image id -> Neo4j version; an image that maps to nothing fails to provision. */
  readonly images = new Map<string, string>();
  /** Images whose servers never answer (the "green never becomes reachable" case). */
  readonly unreachableImages = new Set<string>();
  readonly terminated: string[] = [];

  /** `versionOf` resolves images not in `images` (e.g. the embedded profile's simulated AMIs). */
  constructor(
    readonly servers: InMemoryGraphServers,
    private readonly versionOf: (imageId: string) => string | undefined = () => undefined,
  ) {}

  /** Registers an already running server (the initial blue) as an instance of the fleet. */
  adopt(instance: Neo4jInstance, server: InMemoryGraphDatabase): void {
    this.instances.set(instance.instanceId, instance);
    this.servers.add(server);
  }

  async provision(imageId: string, options: ProvisionOptions): Promise<Neo4jInstance> {
    const existing = [...this.instances.values()].find((i) => i.clientToken === options.clientToken);
    if (existing) return existing;
    const version = this.images.get(imageId) ?? this.versionOf(imageId);
    if (!version) throw new CodedError('DB.PROVISION_FAILED', `image ${imageId} does not exist`);
    this.sequence += 1;
    const instanceId = `i-mem${String(this.sequence).padStart(13, '0')}`;
    if (this.unreachableImages.has(imageId)) {
      this.terminated.push(instanceId);
      throw new CodedError(
        'DB.PROVISION_FAILED',
        `Neo4j ${version} on ${instanceId} did not answer within ${options.readyTimeoutMs ?? 0} ms`,
      );
    }
    const instance: Neo4jInstance = {
      instanceId,
      imageId,
      boltUri: `memory://${instanceId}`,
      version,
      color: 'green',
      clientToken: options.clientToken,
    };
    this.servers.add(new InMemoryGraphDatabase(instance.boltUri, version));
    this.instances.set(instanceId, instance);
    return instance;
  }

  async terminate(instanceId: string): Promise<void> {
    const instance = this.instances.get(instanceId);
    if (!instance) return;
    this.instances.delete(instanceId);
    this.servers.remove(instance.boltUri);
    this.terminated.push(instanceId);
  }

  async describe(): Promise<Neo4jInstance[]> {
    return [...this.instances.values()].map((i) => ({ ...i }));
  }

  async setColor(instanceId: string, color: Neo4jColor): Promise<void> {
    const instance = this.instances.get(instanceId);
    if (instance) instance.color = color;
  }
}
