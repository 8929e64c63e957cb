// Integration spec: the stack's OpenTofu initialises and plans a provider-free config (built-in terraform_data) offline, with the stack's CLI config.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackConfig, stackEndpoints } from '@dco/testing';

const run = promisify(execFile);
const { tofu } = stackEndpoints();

async function tofuIn(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: tofu.cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
  try {
    const { stdout, stderr } = await run(tofu.binary, args, { cwd: dir, env, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

describe('OpenTofu on the local stack', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dco-tofu-'));
    writeFileSync(
      join(dir, 'main.tf'),
      `terraform {
  backend "local" {}
}
variable "neo4j_version" {
  type    = string
  default = "5.26.19"
}
resource "terraform_data" "neo4j" {
  input = { version = var.neo4j_version }
}
output "neo4j_version" {
  value = terraform_data.neo4j.output.version
}
`,
    );
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it(`is OpenTofu v${stackConfig().tofu.version}`, async () => {
    const version = await tofuIn(dir, ['version', '-json']);
    expect(version.code).toBe(0);
    expect((JSON.parse(version.stdout) as { terraform_version: string }).terraform_version).toBe(
      stackConfig().tofu.version,
    );
  });

  it('runs init and a plan with changes (-detailed-exitcode 2), shows it as JSON, applies it, and then plans no changes', async () => {
    const init = await tofuIn(dir, ['init', '-input=false', '-no-color']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);

    const plan = await tofuIn(dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=tfplan']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    const show = await tofuIn(dir, ['show', '-json', 'tfplan']);
    const json = JSON.parse(show.stdout) as { resource_changes: { address: string; change: { actions: string[] } }[] };
    expect(json.resource_changes.map((change) => [change.address, change.change.actions])).toEqual([
      ['terraform_data.neo4j', ['create']],
    ]);

    const apply = await tofuIn(dir, ['apply', '-input=false', '-no-color', 'tfplan']);
    expect(apply.code).toBe(0);
    const output = await tofuIn(dir, ['output', '-raw', 'neo4j_version']);
    expect(output.stdout).toBe('5.26.19');
    const again = await tofuIn(dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    expect(again.code).toBe(0);
  });

  it('refuses a registry provider offline (only the filesystem mirror is configured)', async () => {
    writeFileSync(
      join(dir, 'aws.tf'),
      'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n',
    );
    const init = await tofuIn(dir, ['init', '-input=false', '-no-color']);
    expect(init.code).toBe(1);
    expect(init.stderr).toMatch(/hashicorp\/aws/);
  });
});
