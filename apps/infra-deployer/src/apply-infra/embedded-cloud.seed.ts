// Seeds the embedded profile's in-memory cloud from infra/'s own values, so the demo day finds the services Terraform
// describes, a Neo4j fleet on an older AMI and a newer AMI to move to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedCloud, EmbeddedSeed, embeddedCloud, seedEmbeddedCloud } from '@dco/aws';

export function embeddedSeedFromInfra(configDir: string): EmbeddedSeed {
  const vars = JSON.parse(readFileSync(join(configDir, 'terraform.tfvars.json'), 'utf8')) as {
    cluster_name: string;
    apps: EmbeddedSeed['apps'];
  };
  return { cluster: vars.cluster_name, apps: vars.apps, runningNeo4jVersion: '5.20.0', newestNeo4jVersion: '5.26.19' };
}

/** The process's embedded cloud, seeded (once) from the configuration in configDir. */
export function seededEmbeddedCloud(configDir: string): { cloud: EmbeddedCloud; ready: Promise<void> } {
  const cloud = embeddedCloud();
  return { cloud, ready: seedEmbeddedCloud(cloud, embeddedSeedFromInfra(configDir)) };
}
