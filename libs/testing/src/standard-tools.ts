// The standard tools of the local stack (Kafka's console consumer, the AWS CLI), for specs that check that what the system
// writes reads without trouble in tools nobody here wrote: where they are, and how to run them against the stack.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackConfig, StackConfig, stackPaths } from '@dco/stack';
import { stackEndpoints } from './stack-endpoints';

export interface StandardTools {
  /** Kafka's `kafka-console-consumer` of the broker's version (stack component kafka-tools). */
  kafkaConsoleConsumer: string;
  /** Kafka's `kafka-run-class <main class>`: any other tool of the kafka-tools jar. */
  kafkaRunClass: string;
  /** The AWS CLI (stack component aws-cli). */
  aws: string;
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The tools' paths; throws, naming the command that installs them, when one is missing or not executable. */
export function standardTools(config: StackConfig = stackConfig()): StandardTools {
  const paths = stackPaths(config);
  const tools = {
    kafkaConsoleConsumer: paths.kafkaConsoleConsumer,
    kafkaRunClass: paths.kafkaRunClass,
    aws: paths.aws,
  };
  for (const path of Object.values(tools)) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new Error(
        `${path} is missing: npm run stack:up installs the stack's standard tools (kafka-tools, aws-cli)`,
      );
    }
  }
  return tools;
}

/** Runs a tool to its end; a non-zero exit is returned, not thrown, so that a spec can show what the tool said. */
export function runTool(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${command} ${args.join(' ')} did not finish (${error.message}): ${stderr.slice(-2000)}`));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * The environment the AWS CLI gets against the emulator: its static credentials and region, and no user config
 * (~/.aws, AWS_PROFILE) that could change what it reads.
 */
export function awsCliEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { aws } = stackEndpoints();
  const nowhere = join(tmpdir(), 'dco-no-aws-config');
  const { AWS_PROFILE: _profile, AWS_DEFAULT_PROFILE: _defaultProfile, ...rest } = env;
  return {
    ...rest,
    AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: aws.region,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** `aws --endpoint-url <emulator> --output json <args>`, parsed; throws with the CLI's stderr when it fails. */
export async function awsCliJson<T = unknown>(args: readonly string[]): Promise<T> {
  const run = await runTool(
    standardTools().aws,
    ['--endpoint-url', stackEndpoints().aws.endpoint, '--output', 'json', ...args],
    { env: awsCliEnv(), timeoutMs: 60_000 },
  );
  if (run.code !== 0) throw new Error(`aws ${args.join(' ')} exited with ${run.code}: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as T;
}
