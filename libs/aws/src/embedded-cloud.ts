// The embedded profile's cloud: one set of in-memory EC2/ECS/EventBridge fakes per process, shared by every module,
// seeded once with what the demo day needs (the services of infra/, a Neo4j fleet, a newer Neo4j AMI).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryEc2Inventory } from './ec2/in-memory-ec2-inventory.fake';
import { InMemoryEcsServices } from './ecs/in-memory-ecs-services.fake';
import { InMemoryEventBus } from './events/in-memory-event-bus.fake';

export interface EmbeddedCloud {
  ec2: InMemoryEc2Inventory;
  ecs: InMemoryEcsServices;
  events: InMemoryEventBus;
  seeded?: Promise<void>;
}

export interface EmbeddedSeed {
  /** infra/'s `environment`: task-definition families are dco-<environment>-<app>, as infra/main.tf names them. */
  environment: string;
  cluster: string;
  /** App name -> baseline image (infra/terraform.tfvars.json). */
  apps: Record<string, { image: string; desired_count: number }>;
  runningNeo4jVersion: string;
  newestNeo4jVersion: string;
}

let cloud: EmbeddedCloud | undefined;

export function embeddedCloud(): EmbeddedCloud {
  cloud ??= { ec2: new InMemoryEc2Inventory(), ecs: new InMemoryEcsServices(), events: new InMemoryEventBus() };
  return cloud;
}

/** Idempotent: the first caller seeds, later callers wait for the same seeding. */
export function seedEmbeddedCloud(target: EmbeddedCloud, seed: EmbeddedSeed): Promise<void> {
  target.seeded ??= (async () => {
    await target.ecs.ensureCluster(seed.cluster);
    for (const [app, spec] of Object.entries(seed.apps)) {
      const definition = await target.ecs.registerTaskDefinition({
        family: taskFamily(seed.environment, app),
        image: spec.image,
        environment: { DCO_APP: app },
      });
      await target.ecs.createService({
        cluster: seed.cluster,
        serviceName: app,
        taskDefinition: definition.arn,
        desiredCount: spec.desired_count,
      });
    }
    const running = target.ec2.addImage({
      name: `neo4j-${seed.runningNeo4jVersion}-embedded`,
      creationDate: '2026-01-01T00:00:00.000Z',
      tags: { 'dco:neo4j-version': seed.runningNeo4jVersion },
    });
    target.ec2.addInstance({
      imageId: running,
      instanceType: 'r6i.large',
      tags: { 'dco:role': 'neo4j', 'dco:color': 'blue' },
    });
    target.ec2.addImage({
      name: `neo4j-${seed.newestNeo4jVersion}-embedded`,
      creationDate: '2026-11-01T00:00:00.000Z',
      tags: { 'dco:neo4j-version': seed.newestNeo4jVersion },
    });
  })();
  return target.seeded;
}

/** An app's task-definition family in an environment (infra/main.tf and modules/aws name it the same way, ADR 0011). */
export const taskFamily = (environment: string, app: string): string => `dco-${environment}-${app}`;

/** The seed from a Terraform configuration's own values (terraform.tfvars.json: environment, cluster_name, apps). */
export function embeddedSeedFromInfra(configDir: string): EmbeddedSeed {
  const vars = JSON.parse(readFileSync(join(configDir, 'terraform.tfvars.json'), 'utf8')) as {
    environment: string;
    cluster_name: string;
    apps: EmbeddedSeed['apps'];
  };
  return {
    environment: vars.environment,
    cluster: vars.cluster_name,
    apps: vars.apps,
    runningNeo4jVersion: '5.20.0',
    newestNeo4jVersion: '5.26.19',
  };
}

/** The process's embedded cloud, seeded (once) from the configuration in configDir. */
export function seededEmbeddedCloud(configDir: string): { cloud: EmbeddedCloud; ready: Promise<void> } {
  const cloud = embeddedCloud();
  return { cloud, ready: seedEmbeddedCloud(cloud, embeddedSeedFromInfra(configDir)) };
}
