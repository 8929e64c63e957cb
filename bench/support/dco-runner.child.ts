// The dco bench's runner process: one reference offering on the given Neo4j, so that its peak RSS is the runner's alone
// (the bench process also generated and seeded the day). Prints one JSON line: phases, result, CPU and peak RSS.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { runIdOf, systemClock } from '@dco/contracts';
import { createNeo4jDriver, Neo4jDcoLedger } from '@dco/dco';
import { ReferenceDcoExecutor } from '../../apps/dco-runner/src';

async function main(): Promise<void> {
  const [uri, day, amount, batchSize, pageRows, writeConcurrency] = process.argv.slice(2);
  // The login comes in the environment (never an argument, which ps shows).
  const driver = createNeo4jDriver({ uri, user: process.env.NEO4J_USER, password: process.env.NEO4J_PASSWORD });
  try {
    const ledger = new Neo4jDcoLedger(driver);
    // As the dco-runner service does when it opens its ledger at start (Neo4jLedgerSource.warmUp), long before the
    // day's command: the offering's statements planned (EXPLAIN), no data read. Not part of the measured offering.
    await ledger.prepare();
    const executor = new ReferenceDcoExecutor(
      ledger,
      { clock: systemClock, ids: { next: () => `bench-${randomUUID()}` } },
      {
        dailyAmount: amount,
        batchSize: Number(batchSize),
        readPageRows: Number(pageRows),
        writeConcurrency: Number(writeConcurrency),
      },
    );
    const phases: Record<string, number> = {};
    const started = process.hrtime.bigint();
    const result = await executor.execute(
      { day, runId: runIdOf(day), afterRollback: false },
      { phase: (name, seconds) => (phases[name] = (phases[name] ?? 0) + seconds) },
    );
    const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const usage = process.resourceUsage();
    console.log(
      JSON.stringify({
        phases,
        totalSeconds,
        result,
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        peakRssMb: usage.maxRSS / 1024,
      }),
    );
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
