import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { declaredVariables, validateCompose, validateDockerfile, validateKubernetes, validateRepository } from './deploy-validation';

const root = join(__dirname, '..');
const declared = (app: string) => declaredVariables(root, app);
const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const k8s = Object.fromEntries(readdirSync(join(root, 'k8s')).map((name) => [name, readFileSync(join(root, 'k8s', name), 'utf8')]));

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
    expect(validateCompose(broken, declared)).toContain('compose: scheduler sets KAFKA_BROKER, which apps/scheduler does not declare');
  });

  it('catch a missing probe and a worker that may outscale its partitions', () => {
    const broken = {
      ...k8s,
      'dco-runner.yaml': k8s['dco-runner.yaml'].replace('path: /health, port: http }\n            periodSeconds: 10', 'path: /ready, port: http }\n            periodSeconds: 10').replace('maxReplicaCount: 6', 'maxReplicaCount: 12'),
    };
    const problems = validateKubernetes(broken, declared);
    expect(problems).toContain('k8s: dco-runner readinessProbe must GET /health');
    expect(problems).toContain('k8s: dco-runner may scale to 12 replicas but topics have 6 partitions');
  });

  it('catch a Kubernetes schema violation', () => {
    const broken = { ...k8s, 'scheduler.yaml': k8s['scheduler.yaml'].replace('replicas: 2', 'replicas: two') };
    expect(validateKubernetes(broken, declared).join('\n')).toContain('replicas must be integer');
  });

  it('catch a Dockerfile that no longer starts the chosen app', () => {
    expect(validateDockerfile('FROM node:18\n')).toHaveLength(5);
  });

  it('catch a Dockerfile whose npm ci runs before the patches are in the image', () => {
    const late = readFileSync(join(root, 'Dockerfile'), 'utf8').replace('COPY patches ./patches\n', '').replace('COPY . .\n', 'COPY . .\nCOPY patches ./patches\n');
    expect(validateDockerfile(late)).toEqual(['Dockerfile: COPY patches/ before RUN npm ci, or the image runs unpatched dependencies']);
  });

  it('catch a Dockerfile that ships the developer tooling', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const broken = dockerfile.replace('COPY --from=verify /app/tools/register.js ./tools/register.js', 'COPY --from=verify /app/tools ./tools');
    expect(validateDockerfile(broken)).toEqual(['Dockerfile: copy only tools/register.js, not tools/ (the day tooling is not for production)']);
  });
});
