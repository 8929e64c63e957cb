// moto server (AWS API emulator: EC2, ECS, EventBridge, SQS, S3, SSM...) from PyPI in a version-keyed venv, supervised by pid.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../stack-error';
import { httpGet } from '@dco/probes';
import { captureOutput, runLogged } from '../support/run-command';
import { DaemonComponent, DaemonDefinition, logFileOf, StackContext } from './stack-component';

export const MOTO = 'moto';

function installedVersion(venv: string): string | undefined {
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python) || !existsSync(join(venv, 'bin', 'moto_server'))) return undefined;
  try {
    return captureOutput(python, ['-c', 'import moto, flask; print(moto.__version__)']).trim();
  } catch {
    return undefined;
  }
}

/** Creates the venv with moto[server]==<version> unless an intact one is cached. */
export async function ensureMoto(ctx: StackContext): Promise<void> {
  const { version } = ctx.config.moto;
  const venv = ctx.paths.motoVenv;
  if (installedVersion(venv) === version) return;
  ctx.log(`moto: installing moto[server]==${version} from PyPI into ${venv}`);
  const logFile = logFileOf(ctx.paths, 'moto-install');
  rmSync(venv, { recursive: true, force: true }); // venvs are not relocatable: build in place, verify after
  await runLogged('python3', ['-m', 'venv', venv], { logFile, description: 'create the moto venv' });
  await runLogged(
    join(venv, 'bin', 'pip'),
    ['install', '--disable-pip-version-check', '-q', `moto[server]==${version}`],
    { logFile, description: `install moto[server]==${version}` },
  );
  const got = installedVersion(venv);
  if (got !== version) {
    throw new StackError(
      'STACK.BUILD_FAILED',
      `moto ${version} is not importable from ${venv} after pip install (found ${got ?? 'nothing'})`,
      { logFile },
    );
  }
}

export async function probeMoto(baseUrl: string): Promise<string | undefined> {
  try {
    const response = await httpGet(`${baseUrl}/moto-api/data.json`);
    await response.arrayBuffer();
    return response.ok ? undefined : `GET /moto-api/data.json answered ${response.status}`;
  } catch (error) {
    return `GET /moto-api/data.json failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function motoDefinition(ctx: StackContext): DaemonDefinition {
  const { host, moto } = ctx.config;
  const url = `http://${host}:${moto.port}`;
  return {
    address: url,
    host,
    ports: [moto.port],
    startTimeoutMs: 60000,
    stopGraceMs: 10000,
    meta: { version: moto.version, url },
    install: () => ensureMoto(ctx),
    prepare: async () => undefined,
    launch: () => ({
      command: join(ctx.paths.motoVenv, 'bin', 'moto_server'),
      args: ['-H', host, '-p', String(moto.port)],
      env: {
        MOTO_ECS_SERVICE_RUNNING: '10',
        MOTO_EC2_LOAD_DEFAULT_AMIS: 'false',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        PYTHONUNBUFFERED: '1',
      },
      cwd: ctx.paths.stateDir,
    }),
    probe: () => probeMoto(url),
  };
}

export const motoComponent = new DaemonComponent(MOTO, motoDefinition);
