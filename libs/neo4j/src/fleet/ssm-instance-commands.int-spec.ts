// SsmInstanceCommands through the real SDK against the emulator's SSM: the command it sends (document, the bash script
// behind sh, the timeout) as SSM records it, and the invocation polled to its end. The emulator answers every command
// with Success without running it; the scripts themselves run on an emulated instance in the offline-restore int-spec.
import { EC2Client, RegisterImageCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CodedError } from '@dco/contracts';
import { localEmulatorOptions } from '@dco/aws';
import { bashScriptCommands, SsmInstanceCommands } from './ssm-instance-commands.adapter';

jest.setTimeout(60_000);

describe('SsmInstanceCommands on the emulator', () => {
  const aws = localEmulatorOptions();
  const ssm = new SSMClient(aws);
  const ec2 = new EC2Client(aws);
  let instanceId = '';

  beforeAll(async () => {
    const image = await ec2.send(new RegisterImageCommand({ Name: `neo4j-5.26.19-ssm${Date.now().toString(36)}` }));
    const run = await ec2.send(new RunInstancesCommand({ ImageId: image.ImageId, MinCount: 1, MaxCount: 1 }));
    instanceId = run.Instances?.[0]?.InstanceId ?? '';
  });

  afterAll(async () => {
    if (instanceId) await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    ssm.destroy();
    ec2.destroy();
  });

  it('sends AWS-RunShellScript with the script behind sh and its timeout, and polls the invocation to its end', async () => {
    const script = 'set -euo pipefail\necho "dco: $(hostname)"';
    const result = await new SsmInstanceCommands(ssm, { pollIntervalMs: 100 }).runBash(instanceId, script, {
      timeoutSeconds: 600,
      comment: `dco offline import of ${'x'.repeat(120)}`,
    });
    expect(result).toMatchObject({ status: 'Success', exitCode: 0 });
    const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: result.commandId }));
    expect(Commands?.[0]).toMatchObject({
      DocumentName: 'AWS-RunShellScript',
      // moto 5.2.5 lists every instance of the region besides the one targeted (it adds those of empty Targets).
      InstanceIds: expect.arrayContaining([instanceId]) as unknown,
      Parameters: { commands: bashScriptCommands(script), executionTimeout: ['600'] },
    });
    expect(Commands?.[0]?.Comment).toHaveLength(100);
  });

  it('refuses what is not an instance id before anything is sent', async () => {
    const commands = new SsmInstanceCommands(ssm);
    const error = await commands
      .runBash('i-1; rm -rf /', 'true', { timeoutSeconds: 60, comment: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.RESTORE_FAILED');
  });
});
