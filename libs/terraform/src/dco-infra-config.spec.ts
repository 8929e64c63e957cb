// Static checks of DCO Autopilot's own Terraform: the local root and the AWS module stay in step (ADR 0007), and the
// release manifests name exactly the apps Terraform deploys.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const infra = join(__dirname, '..', '..', '..', 'infra');
const hcl = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
const names = (text: string, kind: 'variable' | 'output') =>
  [...text.matchAll(new RegExp(`^${kind}\\s+"([^"]+)"`, 'gm'))].map((match) => match[1]).sort();

const root = hcl(infra);
const awsModule = hcl(join(infra, 'modules', 'aws'));
const LOCAL_ONLY_VARIABLES = ['local_aws_command'];
const AWS_ONLY_VARIABLES = [
  'backup_bucket',
  'execution_role_arn',
  'log_retention_days',
  'security_group_ids',
  'subnet_ids',
];

describe('infra/ configuration', () => {
  it('declares the same variables in the local root and the AWS module, apart from the documented ones', () => {
    expect(names(root, 'variable').filter((name) => !LOCAL_ONLY_VARIABLES.includes(name))).toEqual(
      names(awsModule, 'variable').filter((name) => !AWS_ONLY_VARIABLES.includes(name)),
    );
  });

  it('exposes the same outputs in both shapes', () => {
    expect(names(root, 'output')).toEqual(names(awsModule, 'output'));
  });

  it("names each app's task-definition family after its environment in both shapes (ADR 0011)", () => {
    const families = (text: string) => [...text.matchAll(/\bfamily\s*=\s*"([^"]+)"/g)].map((match) => match[1]);
    expect(families(root)).toEqual(['dco-${var.environment}-${each.key}']);
    expect(families(awsModule)).toEqual(families(root));
  });

  it('uses only builtin resources in the local root, so init needs no provider and no network', () => {
    const types = [...root.matchAll(/^resource\s+"([^"]+)"/gm)].map((match) => match[1]);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['terraform_data']));
    expect(root).not.toMatch(/required_providers/);
  });

  it('has values for every variable without a default, and release manifests for exactly the deployed apps', () => {
    const values = JSON.parse(readFileSync(join(infra, 'terraform.tfvars.json'), 'utf8')) as Record<string, unknown> & {
      apps: Record<string, unknown>;
    };
    const withoutDefault = [...root.matchAll(/^variable\s+"([^"]+)"\s*\{([\s\S]*?)^\}/gm)]
      .filter((match) => !/\bdefault\s*=/.test(match[2]))
      .map((match) => match[1]);
    expect(withoutDefault.filter((name) => !(name in values))).toEqual([]);
    const release = JSON.parse(readFileSync(join(infra, 'release', 'release-manifest.json'), 'utf8')) as {
      services: Record<string, { image: string }>;
    };
    expect(Object.keys(release.services).sort()).toEqual(Object.keys(values.apps).sort());
  });
});
