// The commands SSM's AWS-RunShellScript gets for a bash script: the agent runs them with sh (dash on Debian), so they are
// run here with sh too, on a script that only bash can run.
import { execFileSync, spawnSync } from 'node:child_process';
import { CodedError } from '@dco/contracts';
import { SSMClient } from '@aws-sdk/client-ssm';
import { BASH_SCRIPT_END, bashScriptCommands, SsmInstanceCommands } from './ssm-instance-commands.adapter';

const BASH_ONLY = [
  'set -euo pipefail',
  'parts=(one "two words")',
  `echo "\${#parts[@]} \${parts[1]}"`,
  "cat <<'INNER'",
  "$not_expanded 'quoted'",
  'INNER',
  'exit 7',
].join('\n');

describe('bash scripts over SSM Run Command', () => {
  it('runs the script with bash even where the agent runs the commands with sh, and keeps its exit code', () => {
    const commands = bashScriptCommands(BASH_ONLY).join('\n');
    const run = spawnSync('sh', ['-c', commands], { encoding: 'utf8' });
    expect(run.stdout).toBe("2 two words\n$not_expanded 'quoted'\n");
    expect(run.status).toBe(7);
    // The temporary script is gone afterwards.
    expect(execFileSync('sh', ['-c', 'ls /tmp/dco-*.sh 2>/dev/null || true'], { encoding: 'utf8' })).toBe('');
  });

  it('refuses a script with a line that would end the here-document early', () => {
    expect(() => bashScriptCommands(`echo a\n${BASH_SCRIPT_END}\nrm -rf /`)).toThrow(CodedError);
  });
});

describe('SsmInstanceCommands polling (an SSM client that answers as the real service does over time)', () => {
  it('asks again while the invocation does not exist yet or is in progress, and returns how it ended', async () => {
    const answers: Array<() => unknown> = [
      () => ({ Command: { CommandId: 'c-1' } }),
      () => {
        throw Object.assign(new Error('no such invocation yet'), { name: 'InvocationDoesNotExist' });
      },
      () => ({ Status: 'Pending' }),
      () => ({ Status: 'InProgress' }),
      () => ({ Status: 'Failed', ResponseCode: 65, StandardOutputContent: '', StandardErrorContent: 'damaged' }),
    ];
    const sent: string[] = [];
    const ssm = {
      send: async (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return answers.shift()?.();
      },
    } as unknown as SSMClient;
    const result = await new SsmInstanceCommands(ssm, { pollIntervalMs: 1 }).runBash('i-0123456789abcdef0', 'true', {
      timeoutSeconds: 60,
      comment: 'x',
    });
    expect(result).toEqual({ status: 'Failed', exitCode: 65, stdout: '', stderr: 'damaged', commandId: 'c-1' });
    expect(sent).toEqual(['SendCommandCommand', ...Array(4).fill('GetCommandInvocationCommand')]);
  });

  it('gives up with DB.RESTORE_FAILED when SSM refuses the command', async () => {
    const ssm = {
      send: async () => {
        throw Object.assign(new Error('User is not authorized to perform ssm:SendCommand'), { name: 'AccessDenied' });
      },
    } as unknown as SSMClient;
    const error = await new SsmInstanceCommands(ssm)
      .runBash('i-0123456789abcdef0', 'true', { timeoutSeconds: 60, comment: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DB.RESTORE_FAILED' });
    expect((error as Error).message).toContain('not authorized');
  });
});
