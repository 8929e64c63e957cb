// The topology the manifests deploy, read from k8s/*.yaml: how many replicas of each app a Deployment runs. The topology
// e2e spec starts exactly that many processes of each app, so what is deployed is what was tested (issue 13, ADR 0014).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DayError } from './day-error';
import { APP_NAMES, AppName, REPO_ROOT } from './day-workspace';

export type Topology = Record<AppName, number>;

interface ManifestDocument {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    replicas?: unknown;
    template?: { spec?: { containers?: { env?: { name?: string; value?: unknown }[] }[] } };
  };
}

/** Each app's Deployment in `files` (name -> YAML text), with the file it is in; broken YAML is DAY.TOPOLOGY_INVALID. */
function* appDeployments(files: Record<string, string>): Generator<[string, AppName, ManifestDocument]> {
  for (const [file, text] of Object.entries(files)) {
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0)
        throw new DayError('DAY.TOPOLOGY_INVALID', `${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      const manifest = document.toJS() as ManifestDocument | null;
      if (manifest?.kind !== 'Deployment') continue;
      const name = manifest.metadata?.name;
      if (APP_NAMES.includes(name as AppName)) yield [file, name as AppName, manifest];
    }
  }
}

/** The YAML files of a manifests directory (name -> text). */
const manifestFiles = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );

/** Replicas per app from the Deployments in `files` (name -> YAML text); every app must have exactly one Deployment. */
export function topologyOf(files: Record<string, string>): Topology {
  const found = new Map<AppName, number>();
  for (const [file, name, manifest] of appDeployments(files)) {
    const replicas = manifest.spec?.replicas ?? 1; // Kubernetes' own default
    if (!Number.isInteger(replicas) || (replicas as number) < 1)
      throw new DayError('DAY.TOPOLOGY_INVALID', `${file}: Deployment ${name} has replicas ${String(replicas)}`);
    if (found.has(name)) throw new DayError('DAY.TOPOLOGY_INVALID', `${file}: a second Deployment for ${name}`);
    found.set(name, replicas as number);
  }
  const missing = APP_NAMES.filter((app) => !found.has(app));
  if (missing.length > 0)
    throw new DayError('DAY.TOPOLOGY_INVALID', `no Deployment in the manifests for ${missing.join(', ')}`);
  return Object.fromEntries(APP_NAMES.map((app) => [app, found.get(app) as number])) as Topology;
}

/** The topology of the repository's k8s/ directory. */
export function deployedTopology(dir = join(REPO_ROOT, 'k8s')): Topology {
  return topologyOf(manifestFiles(dir));
}

/**
 * The NODE_OPTIONS each app's Deployment gives its container (its V8 heap, tools/heap-sizing.ts), read from the same
 * manifests: the day scenarios and the topology spec start every app process with it.
 */
export function deployedNodeOptions(dir = join(REPO_ROOT, 'k8s')): Partial<Record<AppName, string>> {
  const options: Partial<Record<AppName, string>> = {};
  for (const [, app, manifest] of appDeployments(manifestFiles(dir))) {
    const env = manifest.spec?.template?.spec?.containers?.[0]?.env ?? [];
    const value = env.find((variable) => variable.name === 'NODE_OPTIONS')?.value;
    if (typeof value === 'string') options[app] = value;
  }
  return options;
}
