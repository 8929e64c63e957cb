// The migrate bench's migration in a process of its own, started with the db-migrator's deployed NODE_OPTIONS (its heap):
// the spec as JSON in argv, the Neo4j password in the environment (never an argument, which ps shows). Prints one JSON
// line: the outcome.
import 'reflect-metadata';
import { BenchMigrationSpec, runBenchMigration } from './bench-migration';
import { tuneV8ForMigrations } from '../../apps/db-migrator/src/heap-tuning';

// As the db-migrator's process does at start.
tuneV8ForMigrations();

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as BenchMigrationSpec;
  const password = process.env.DCO_BENCH_NEO4J_PASSWORD ?? '';
  const outcome = await runBenchMigration(spec, password);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
