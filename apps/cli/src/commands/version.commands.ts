// `dco version`: the CLI's version and which message schema versions it speaks.
import { Command } from 'commander';
import { MESSAGE_TYPES } from '@dco/contracts';

export function register(program: Command): void {
  program
    .command('version')
    .description('print the CLI version and the message schema versions it reads and writes')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { version } = require('../../../../package.json') as { version: string };
      const schemas = Object.fromEntries(Object.entries(MESSAGE_TYPES).map(([type, spec]) => [type, spec.version]));
      if (options.json) console.log(JSON.stringify({ version, schemas }));
      else console.log(`dco ${version} (${Object.keys(schemas).length} message types)`);
    });
}
