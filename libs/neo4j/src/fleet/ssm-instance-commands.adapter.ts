// InstanceCommands over SSM Run Command: AWS-RunShellScript on the instance, then GetCommandInvocation until the run has
// ended. The agent runs the document's commands with `sh` (a shebang in them is not honoured), so a bash script goes to
// a temporary file through a quoted here-document and runs with bash from there.
import {
  CommandInvocationStatus,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { CodedError } from '@dco/contracts';
import { abortWaiting, waitFor } from '@dco/probes';
import { InstanceCommandResult, InstanceCommands, InstanceCommandStatus } from './instance-commands.port';

/** The here-document's delimiter: a script with a line equal to it is refused. */
export const BASH_SCRIPT_END = 'DCO_BASH_SCRIPT_END';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** The AWS-RunShellScript `commands` that run `script` with bash (sh would run it otherwise). */
export function bashScriptCommands(script: string): string[] {
  const lines = script.split('\n');
  if (lines.includes(BASH_SCRIPT_END))
    throw new CodedError('DB.RESTORE_FAILED', `a script for SSM must not hold the line ${BASH_SCRIPT_END}`);
  return [
    'dco_script="$(mktemp /tmp/dco-XXXXXXXX.sh)"',
    `cat > "$dco_script" <<'${BASH_SCRIPT_END}'`,
    ...lines,
    BASH_SCRIPT_END,
    'bash "$dco_script"; dco_code=$?',
    'rm -f "$dco_script"',
    'exit "$dco_code"',
  ];
}

const ENDED: Record<string, InstanceCommandStatus | undefined> = {
  [CommandInvocationStatus.SUCCESS]: 'Success',
  [CommandInvocationStatus.FAILED]: 'Failed',
  [CommandInvocationStatus.TIMED_OUT]: 'TimedOut',
  [CommandInvocationStatus.CANCELLED]: 'Cancelled',
};

export interface SsmInstanceCommandsOptions {
  /** Between two GetCommandInvocation calls (default 2 s). */
  pollIntervalMs?: number;
  /** How long past the script's own timeout an answer is awaited (the agent's delivery, default 120 s). */
  deliveryMarginMs?: number;
}

export class SsmInstanceCommands implements InstanceCommands {
  constructor(
    private readonly ssm: SSMClient,
    private readonly options: SsmInstanceCommandsOptions = {},
  ) {}

  async runBash(
    instanceId: string,
    script: string,
    options: { timeoutSeconds: number; comment: string },
  ): Promise<InstanceCommandResult> {
    if (!INSTANCE_ID.test(instanceId))
      throw new CodedError('DB.RESTORE_FAILED', `${JSON.stringify(instanceId)} is not an EC2 instance id`);
    const commands = bashScriptCommands(script);
    const sent = await this.call('SendCommand', () =>
      this.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: [instanceId],
          // SSM's comment is at most 100 characters.
          Comment: options.comment.slice(0, 100),
          Parameters: { commands, executionTimeout: [String(options.timeoutSeconds)] },
        }),
      ),
    );
    const commandId = sent.Command?.CommandId;
    if (!commandId)
      throw new CodedError('DB.RESTORE_FAILED', `SSM SendCommand to ${instanceId} returned no command id`);
    return waitFor(
      async () => {
        let answer;
        try {
          answer = await this.ssm.send(
            new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
          );
        } catch (error) {
          // Right after SendCommand the invocation may not exist yet: asked again at the next poll.
          if ((error as Error).name === 'InvocationDoesNotExist') return undefined;
          abortWaiting(
            new CodedError('DB.RESTORE_FAILED', `SSM GetCommandInvocation failed: ${(error as Error).message}`),
          );
        }
        const status = ENDED[answer.Status ?? ''];
        if (!status) return undefined;
        return {
          status,
          exitCode: answer.ResponseCode ?? -1,
          stdout: answer.StandardOutputContent ?? '',
          stderr: answer.StandardErrorContent ?? '',
          commandId,
        };
      },
      {
        timeoutMs: options.timeoutSeconds * 1_000 + (this.options.deliveryMarginMs ?? 120_000),
        intervalMs: this.options.pollIntervalMs ?? 2_000,
        description: `SSM command ${commandId} on ${instanceId} to end`,
      },
    );
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new CodedError('DB.RESTORE_FAILED', `SSM ${operation} failed: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
  }
}
