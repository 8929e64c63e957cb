// The AWS CLI (v1, pinned, from PyPI) in a version-keyed venv, as .stack/bin/aws: what an operator reads the emulator with.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../stack-error';
import { captureOutput, runLogged } from '../support/run-command';
import { shellQuote, wrapperScript } from '../support/wrapper-script';
import { CliToolComponent } from './cli-tool';
import { logFileOf, StackContext } from './stack-component';

export const AWS_CLI = 'aws-cli';

function installedVersion(venv: string): string | undefined {
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python) || !existsSync(join(venv, 'bin', 'aws'))) return undefined;
  try {
    return captureOutput(python, ['-c', 'import awscli; print(awscli.__version__)']).trim();
  } catch {
    return undefined;
  }
}

/** Creates the venv with awscli==<version> unless an intact one is cached. */
export async function ensureAwsCli(ctx: StackContext): Promise<void> {
  const { version } = ctx.config.awsCli;
  const venv = ctx.paths.awsCliVenv;
  if (installedVersion(venv) === version) return;
  ctx.log(`aws-cli: installing awscli==${version} from PyPI into ${venv}`);
  const logFile = logFileOf(ctx.paths, `${AWS_CLI}-install`);
  rmSync(venv, { recursive: true, force: true }); // venvs are not relocatable: build in place, verify after
  await runLogged('python3', ['-m', 'venv', venv], { logFile, description: 'create the aws-cli venv' });
  await runLogged(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', `awscli==${version}`], {
    logFile,
    description: `install awscli==${version}`,
  });
  const got = installedVersion(venv);
  if (got !== version) {
    throw new StackError(
      'STACK.BUILD_FAILED',
      `awscli ${version} is not importable from ${venv} after pip install (found ${got ?? 'nothing'})`,
      { logFile },
    );
  }
}

/** `aws` of the venv (its shebang names the venv's python), reachable at a path that does not change with the version. */
export function awsWrapperScript(ctx: StackContext): string {
  return wrapperScript('stack/components/aws-cli.component.ts', shellQuote(join(ctx.paths.awsCliVenv, 'bin', 'aws')));
}

export const awsCliComponent = new CliToolComponent(AWS_CLI, (ctx) => {
  const { version } = ctx.config.awsCli;
  const { paths } = ctx;
  return {
    address: paths.aws,
    version: `aws-cli/${version}`,
    install: () => ensureAwsCli(ctx),
    cached: () => existsSync(join(paths.awsCliVenv, 'bin', 'aws')),
    files: () => [{ path: paths.aws, content: awsWrapperScript(ctx), executable: true }],
    verify: () => {
      try {
        const output = captureOutput(paths.aws, ['--version']).trim();
        return output.startsWith(`aws-cli/${version} `) ? undefined : `--version printed "${output.slice(0, 200)}"`;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  };
});
