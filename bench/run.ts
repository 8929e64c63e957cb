// `npm run bench -- <name>`: loads bench/<name>.bench.ts and runs its exported run(); a returned result is written for it.
import 'reflect-metadata';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchResult, writeResult } from './support/result';

interface BenchModule {
  run(): Promise<BenchResult | void>;
}

function available(): string[] {
  return readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .map((file) => file.replace(/\.bench\.ts$/, ''))
    .sort();
}

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(join(__dirname, `${name}.bench.ts`))) {
    process.stderr.write(`usage: npm run bench -- <name>\navailable: ${available().join(', ') || '(none)'}\n`);
    return 2;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bench is chosen at run time
  const bench = require(join(__dirname, `${name}.bench.ts`)) as Partial<BenchModule>;
  if (typeof bench.run !== 'function') {
    process.stderr.write(`bench/${name}.bench.ts does not export run()\n`);
    return 2;
  }
  const result = await bench.run();
  if (result) {
    const file = await writeResult(result);
    process.stderr.write(`wrote ${file}\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
