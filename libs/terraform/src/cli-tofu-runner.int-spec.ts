// Runs the TofuRunner contract against the real OpenTofu binary (offline, builtin terraform_data only).
import { CliTofuRunner, defaultTofuBinary } from './cli-tofu-runner.adapter';
import { tofuRunnerContract } from './tofu-runner.contract';

tofuRunnerContract('tofu binary', () => new CliTofuRunner({ binary: defaultTofuBinary(process.env) }));

describe('CliTofuRunner interruption', () => {
  it('stops a plan whose signal is aborted, failing it with INFRA.PLAN_FAILED', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'dco-tofu-abort-'));
    try {
      await writeFile(join(root, 'main.tf'), 'resource "terraform_data" "a" {\n  input = "x"\n}\n');
      const tofu = new CliTofuRunner({ binary: defaultTofuBinary(process.env) });
      const workdir = { dir: root, statePath: join(root, 'state', 'terraform.tfstate') };
      await tofu.init(workdir);
      const abort = new AbortController();
      abort.abort();
      await expect(tofu.plan({ ...workdir, signal: abort.signal }, join(root, 'p.tfplan'))).rejects.toMatchObject({
        code: 'INFRA.PLAN_FAILED',
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
