// The behaviour every TofuRunner must show; run against the simulator (unit) and the real tofu binary (int).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizePlan } from './plan-summary';
import { TofuRunner, TofuWorkdir } from './tofu-runner.port';

const CONFIG = (image: string, ami: string, extra = '') => `
terraform {
  backend "local" {}
}

variable "ami" {
  type    = string
  default = "${ami}"
}

resource "terraform_data" "service" {
  input = { image = "${image}" }
}

resource "terraform_data" "neo4j_instance" {
  triggers_replace = [var.ami]
  input            = var.ami
}
${extra}
output "ami" {
  value = terraform_data.neo4j_instance.output
}
`;

export function tofuRunnerContract(label: string, make: () => TofuRunner): void {
  describe(`TofuRunner contract: ${label}`, () => {
    let root: string;
    let workdir: TofuWorkdir;
    const tofu = make();

    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'dco-tofu-'));
      workdir = { dir: join(root, 'config'), statePath: join(root, 'state', 'terraform.tfstate') };
      await rm(workdir.dir, { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(workdir.dir, { recursive: true }));
    });
    afterEach(() => rm(root, { recursive: true, force: true }));

    const write = (text: string) => writeFile(join(workdir.dir, 'main.tf'), text);

    it('plans creation, applies exactly the saved plan, then plans no changes', async () => {
      await write(CONFIG('app:1', 'ami-1'));
      await tofu.init(workdir);
      const plan = await tofu.plan(workdir, join(root, 'p1.tfplan'));
      expect(plan.hasChanges).toBe(true);
      expect(summarizePlan('p1', await tofu.show(workdir, join(root, 'p1.tfplan')))).toEqual({
        planId: 'p1',
        adds: 2,
        changes: 0,
        destroys: 0,
        replaced: [],
      });
      await tofu.apply(workdir, join(root, 'p1.tfplan'));
      expect(await tofu.stateResources(workdir)).toEqual(['terraform_data.neo4j_instance', 'terraform_data.service']);
      expect((await tofu.plan(workdir, join(root, 'p2.tfplan'))).hasChanges).toBe(false);
    });

    it('tells an in-place update from a replacement and a destroy', async () => {
      await write(CONFIG('app:1', 'ami-1', 'resource "terraform_data" "extra" {\n  input = "x"\n}\n'));
      await tofu.init(workdir);
      await tofu.plan(workdir, join(root, 'p1.tfplan'));
      await tofu.apply(workdir, join(root, 'p1.tfplan'));
      await write(CONFIG('app:2', 'ami-2'));
      await tofu.plan(workdir, join(root, 'p2.tfplan'));
      expect(summarizePlan('p2', await tofu.show(workdir, join(root, 'p2.tfplan')))).toEqual({
        planId: 'p2',
        adds: 0,
        changes: 1,
        destroys: 1,
        replaced: ['terraform_data.neo4j_instance'],
      });
    });

    it('fails a broken configuration with INFRA.PLAN_FAILED and the error text', async () => {
      await write(CONFIG('app:1', 'ami-1', 'resource "terraform_data" "broken" {\n  input = var.missing\n}\n'));
      await tofu.init(workdir);
      await expect(tofu.plan(workdir, join(root, 'p1.tfplan'))).rejects.toMatchObject({
        code: 'INFRA.PLAN_FAILED',
        detail: expect.stringMatching(/undeclared input variable/),
      });
      expect(await tofu.stateResources(workdir)).toEqual([]);
    });

    it('refuses to apply a plan made before the state changed', async () => {
      await write(CONFIG('app:1', 'ami-1'));
      await tofu.init(workdir);
      await tofu.plan(workdir, join(root, 'old.tfplan'));
      await tofu.plan(workdir, join(root, 'new.tfplan'));
      await tofu.apply(workdir, join(root, 'new.tfplan'));
      await expect(tofu.apply(workdir, join(root, 'old.tfplan'))).rejects.toMatchObject({
        code: 'INFRA.PLAN_STALE',
        detail: expect.stringMatching(/stale/i),
      });
    });
  });
}
