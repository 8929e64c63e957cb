// Integration spec of the command-line tool components on an isolated state dir (the shared cache): `up` generates working
// wrappers and leaves them alone the second time, status notices a stale wrapper, a tool that reports the wrong version fails.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackConfig, stackPaths } from '@dco/testing';
import { captureOutput } from '../support/run-command';
import { awsCliComponent } from './aws-cli.component';
import { CliToolComponent } from './cli-tool';
import { kafkaToolsComponent } from './kafka-tools.component';
import { StackContext } from './stack-component';

describe('command-line tool components', () => {
  let ctx: StackContext;

  beforeEach(() => {
    const config = { ...stackConfig(), stateDir: mkdtempSync(join(tmpdir(), 'dco-cli-tools-')) };
    ctx = { config, paths: stackPaths(config), log: () => undefined };
  });

  afterEach(() => rmSync(ctx.config.stateDir, { recursive: true, force: true }));

  it('generates .stack/bin wrappers that run the cached tools, and a second up rewrites nothing', async () => {
    expect(await kafkaToolsComponent.status(ctx)).toMatchObject({ state: 'missing' });
    expect(await kafkaToolsComponent.up(ctx)).toMatchObject({
      name: 'kafka-tools',
      state: 'installed',
      address: join(ctx.config.stateDir, 'bin', 'kafka-console-consumer'),
    });
    expect(await awsCliComponent.up(ctx)).toMatchObject({ name: 'aws-cli', state: 'installed' });
    expect(captureOutput(ctx.paths.kafkaConsoleConsumer, ['--version']).trim()).toBe(ctx.config.kafka.version);
    expect(captureOutput(ctx.paths.aws, ['--version'])).toMatch(new RegExp(`^aws-cli/${ctx.config.awsCli.version} `));

    const written = statSync(ctx.paths.aws).mtimeMs;
    await awsCliComponent.up(ctx);
    expect(statSync(ctx.paths.aws).mtimeMs).toBe(written);
    expect(await awsCliComponent.status(ctx)).toMatchObject({ state: 'installed' });
    expect(await kafkaToolsComponent.down()).toBe(false);
  });

  it('reports an edited wrapper as missing and puts it back on up', async () => {
    await awsCliComponent.up(ctx);
    writeFileSync(ctx.paths.aws, '#!/bin/sh\necho aws-cli/0.0.1\n');
    expect(await awsCliComponent.status(ctx)).toMatchObject({
      state: 'missing',
      detail: expect.stringContaining(ctx.paths.aws),
    });
    await awsCliComponent.up(ctx);
    expect(await awsCliComponent.status(ctx)).toMatchObject({ state: 'installed' });
  });

  it('fails with STACK.NOT_READY when the tool does not report the expected version', async () => {
    const tool = join(ctx.config.stateDir, 'bin', 'wrong-version');
    const wrong = new CliToolComponent('wrong-version', () => ({
      address: tool,
      version: '2.0.0',
      install: async () => undefined,
      cached: () => true,
      files: () => [{ path: tool, content: '#!/bin/sh\necho 1.0.0\n', executable: true }],
      verify: () => {
        const output = captureOutput(tool, []).trim();
        return output === '2.0.0' ? undefined : `printed ${output}`;
      },
    }));
    await expect(wrong.up(ctx)).rejects.toMatchObject({
      code: 'STACK.NOT_READY',
      message: expect.stringContaining('printed 1.0.0'),
    });
  });
});
