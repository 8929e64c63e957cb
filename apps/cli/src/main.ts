// The `dco` operator CLI: loads every command group under ./commands and reports errors with a code and exit status.
import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CodedError } from '@dco/contracts';
import { CliError, EXIT } from './cli-error';

export interface CommandGroup {
  register(program: Command): void;
}

export function buildProgram(): Command {
  const program = new Command('dco')
    .description('DCO Autopilot operator CLI: runs, approvals, the offering, the database')
    .showHelpAfterError('(run dco --help for usage)')
    .exitOverride();
  const folder = join(__dirname, 'commands');
  for (const file of readdirSync(folder)
    .filter((name) => /\.commands\.(ts|js)$/.test(name))
    .sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const group = require(join(folder, file)) as Partial<CommandGroup>;
    if (typeof group.register === 'function') group.register(program);
  }
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    // Secrets named by *_SECRET_ID variables (ADR 0034) become the variables every command reads.
    if (Object.keys(process.env).some((name) => name.endsWith('_SECRET_ID'))) {
      const { withSecretsFromStore } = await import('@dco/aws');
      Object.assign(process.env, await withSecretsFromStore(process.env));
    }
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.OK : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (unknown option, missing argument, help).
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof CliError) {
      console.error(`${error.code}: ${error.message}`);
      return error.exitCode;
    }
    // A coded error from a library (e.g. CONFIG.INVALID from the config a command loads) keeps its code.
    if (error instanceof CodedError) {
      console.error(`${error.code}: ${error.message}`);
      return EXIT.FAILURE;
    }
    console.error(`CLI.UNEXPECTED: ${(error as Error).message ?? String(error)}`);
    return EXIT.FAILURE;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
