// `dco seed`, `dco allocate`, `dco offering show|verify`: the operator's handle on the day's offering in the Neo4j ledger.
import { Command } from 'commander';
import { runIdOf } from '@dco/contracts';
import type { DcoRunObserver, Neo4jDcoLedger, OfferingRecord } from '@dco/dco';
import { CliError, EXIT, parseDayOption, parsePositiveInt } from '../cli-error';

// The ledger code (neo4j-driver, the AWS SDK behind @dco/dco) loads only when an offering command runs, so the rest of
// the CLI starts as fast as before.
const dcoLib = () => import('@dco/dco');
const dcoRunner = () => import('../../../dco-runner/src');
const dbMigrator = () => import('../../../db-migrator/src');
const DEFAULT_URI = 'bolt://127.0.0.1:17687';
const DEFAULT_BATCH = '5000';

interface LedgerOptions {
  neo4j?: string;
}

const neo4jOption = (command: Command): Command =>
  command.option('--neo4j <uri>', `Neo4j bolt URI (default: env NEO4J_URI or ${DEFAULT_URI})`);

/** Opens the ledger (migrating the schema unless read-only), runs `work`, and always closes the driver. */
async function withLedger<T>(
  options: LedgerOptions,
  migrate: boolean,
  work: (ledger: Neo4jDcoLedger) => Promise<T>,
): Promise<T> {
  const { applySchemaMigrations, createNeo4jDriver, DCO_SCHEMA_MIGRATIONS, Neo4jDcoLedger } = await dcoLib();
  const { CodedError, systemClock } = await import('@dco/contracts');
  const { Neo4jError } = await import('neo4j-driver');
  const uri = options.neo4j ?? process.env.NEO4J_URI ?? DEFAULT_URI;
  const credentials = (await dbMigrator()).neo4jCredentialsFromEnv(process.env);
  const driver = createNeo4jDriver({ uri, user: credentials?.user, password: credentials?.password });
  try {
    if (migrate) await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
    return await work(new Neo4jDcoLedger(driver));
  } catch (error) {
    throw asCliError(error, uri, CodedError, Neo4jError);
  } finally {
    await driver.close();
  }
}

function asCliError(
  error: unknown,
  uri: string,
  CodedError: typeof import('@dco/contracts').CodedError,
  Neo4jError: typeof import('neo4j-driver').Neo4jError,
): unknown {
  // A CliError is a CodedError too: it keeps the exit status it chose (e.g. 3 for an unknown day).
  if (error instanceof CliError) return error;
  if (error instanceof CodedError) {
    return new CliError(error.code, error.detail ? `${error.message}\n${error.detail}` : error.message, EXIT.FAILURE);
  }
  if (error instanceof Neo4jError && (error.code === 'ServiceUnavailable' || error.code === 'SessionExpired')) {
    return new CliError('DCO.NEO4J_UNAVAILABLE', `cannot reach Neo4j at ${uri}: ${error.message}`, EXIT.UNAVAILABLE);
  }
  if (error instanceof Neo4jError && error.code.startsWith('Neo.ClientError.Security.')) {
    return new CliError(
      'DB.UNAUTHORIZED',
      `Neo4j at ${uri} refused the login: check NEO4J_USER and NEO4J_PASSWORD`,
      EXIT.UNAVAILABLE,
    );
  }
  return error;
}

/** A progress line on a terminal; nothing when output goes to a file or a test. */
function progress(label: string): DcoRunObserver['progress'] {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) =>
    process.stderr.write(
      `\r${label} ${done}/${total} (${Math.floor((100 * done) / Math.max(total, 1))}%)${done === total ? '\n' : ''}`,
    );
}

function summary(offering: OfferingRecord): Record<string, unknown> {
  return {
    day: offering.day,
    offeringId: offering.offeringId,
    status: offering.status,
    offered: offering.offered.toString(),
    startedAt: offering.startedAt,
    ...(offering.completion
      ? {
          allocated: offering.completion.allocated.toString(),
          undistributed: offering.completion.undistributed.toString(),
          allocationCount: offering.completion.allocationCount,
          contributionCount: offering.completion.contributionCount,
          resultHash: offering.completion.resultHash,
          completedAt: offering.completion.completedAt,
        }
      : {}),
  };
}

async function parseAmountOption(name: string, value: string): Promise<bigint> {
  const { parseOffered } = await dcoLib();
  try {
    return parseOffered(value);
  } catch (error) {
    throw new CliError('CLI.INVALID_NUMBER', `${name}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

export function register(program: Command): void {
  neo4jOption(
    program
      .command('seed')
      .description('write a deterministic demo day of accounts and contributions into the ledger (bulk writes)')
      .requiredOption('--accounts <n>', 'number of accounts')
      .requiredOption('--contributions <m>', 'number of contributions')
      .requiredOption('--day <day>', 'day of the contributions, YYYY-MM-DD')
      .option('--seed <s>', 'generator seed: the same seed gives the same data', '1')
      .option('--account-prefix <prefix>', 'prefix of the account ids', 'acct-')
      .option('--cap-every <k>', 'cap every k-th account')
      .option('--cap <amount>', 'the cap of those accounts, in base units'),
  ).action(
    async (
      options: LedgerOptions &
        Record<'accounts' | 'contributions' | 'day' | 'seed' | 'accountPrefix', string> & {
          capEvery?: string;
          cap?: string;
        },
    ) => {
      const day = parseDayOption(options.day);
      const generator = {
        day,
        accounts: parsePositiveInt('--accounts', options.accounts),
        contributions: parsePositiveInt('--contributions', options.contributions),
        seed: parsePositiveInt('--seed', options.seed),
        accountPrefix: options.accountPrefix,
        ...(options.capEvery ? { capEvery: parsePositiveInt('--cap-every', options.capEvery) } : {}),
        ...(options.cap ? { cap: await parseAmountOption('--cap', options.cap) } : {}),
      };
      if ((generator.capEvery === undefined) !== (generator.cap === undefined)) {
        throw new CliError('CLI.INVALID_OPTION', '--cap-every and --cap go together', EXIT.USAGE);
      }
      const started = Date.now();
      const { generateDemoAccounts, generateDemoContributions } = await dcoLib();
      await withLedger(options, true, async (ledger) => {
        await ledger.upsertAccounts(generateDemoAccounts(generator));
        await ledger.addContributions(day, generateDemoContributions(generator));
      });
      console.log(
        `seeded ${generator.accounts} accounts and ${generator.contributions} contributions for ${day} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    },
  );

  neo4jOption(
    program
      .command('allocate')
      .description(
        'run the reference offering for a day (resumes a PENDING one; a COMPLETED day returns its stored result)',
      )
      .requiredOption('--day <day>', 'day of the offering, YYYY-MM-DD')
      .option('--amount <units>', 'offered amount in base units (default: env DCO_DAILY_AMOUNT)')
      .option('--batch-size <n>', 'allocations per write transaction', DEFAULT_BATCH)
      .option('--dry-run', 'compute and print the result without writing anything')
      .option('--json', 'machine-readable output'),
  ).action(
    async (
      options: LedgerOptions & { day: string; amount?: string; batchSize: string; dryRun?: boolean; json?: boolean },
    ) => {
      const day = parseDayOption(options.day);
      const amount = options.amount ?? process.env.DCO_DAILY_AMOUNT;
      if (amount === undefined)
        throw new CliError(
          'CLI.MISSING_OPTION',
          'give the offered amount with --amount or env DCO_DAILY_AMOUNT',
          EXIT.USAGE,
        );
      const dailyAmount = await parseAmountOption('--amount', amount);
      const batchSize = parsePositiveInt('--batch-size', options.batchSize);
      const { ReferenceDcoExecutor } = await dcoRunner();
      const { systemClock } = await import('@dco/contracts');
      const { randomUUID } = await import('node:crypto');
      await withLedger(options, !options.dryRun, async (ledger) => {
        const executor = new ReferenceDcoExecutor(
          ledger,
          { clock: systemClock, ids: { next: () => randomUUID() } },
          { dailyAmount, batchSize },
        );
        if (options.dryRun) {
          const plan = await executor.plan(day);
          const output = {
            day,
            dryRun: true,
            existing: plan.existing?.status ?? null,
            offered: plan.input.offered.toString(),
            allocated: plan.result.allocated.toString(),
            undistributed: plan.result.undistributed.toString(),
            allocationCount: plan.result.allocations.length,
            contributionCount: plan.input.contributionCount,
            cappedCount: plan.result.cappedCount,
            resultHash: plan.resultHash,
          };
          console.log(
            options.json
              ? JSON.stringify(output)
              : `dry run ${day}: ${output.allocated} of ${output.offered} to ${output.allocationCount} accounts (${output.cappedCount} capped, ${output.undistributed} undistributed), hash ${output.resultHash}`,
          );
          return;
        }
        const result = await executor.execute(
          { day, runId: runIdOf(day), afterRollback: false },
          { progress: progress('writing allocations') },
        );
        console.log(
          options.json
            ? JSON.stringify(result)
            : `${result.reused ? 'already completed' : 'completed'} ${day}: ${result.allocated} of ${result.offered} to ${result.allocationCount} accounts from ${result.contributionCount} contributions (${result.undistributed} undistributed), hash ${result.resultHash}`,
        );
      });
    },
  );

  const offering = program.command('offering').description('inspect and verify the offering of a day');

  neo4jOption(
    offering.command('show <day>').description("print the day's Offering").option('--json', 'machine-readable output'),
  ).action(async (dayArgument: string, options: LedgerOptions & { json?: boolean }) => {
    const day = parseDayOption(dayArgument);
    const found = await withLedger(options, false, (ledger) => ledger.findOffering(day));
    if (!found) throw new CliError('DCO.OFFERING_NOT_FOUND', `no offering for ${day}`, EXIT.NOT_FOUND);
    const shown = summary(found);
    if (options.json) console.log(JSON.stringify(shown));
    else for (const [key, value] of Object.entries(shown)) console.log(`${key.padEnd(18)}${String(value)}`);
  });

  neo4jOption(
    offering
      .command('verify <day>')
      .description(
        'recompute the day from its stored contributions and check the ledger invariants; exit 1 on any violation',
      )
      .option('--json', 'machine-readable output'),
  ).action(async (dayArgument: string, options: LedgerOptions & { json?: boolean }) => {
    const day = parseDayOption(dayArgument);
    const { verifyStoredOffering } = await dcoRunner();
    const verification = await withLedger(options, false, async (ledger) => {
      if (!(await ledger.findOffering(day)))
        throw new CliError('DCO.OFFERING_NOT_FOUND', `no offering for ${day}`, EXIT.NOT_FOUND);
      return verifyStoredOffering(ledger, day);
    });
    if (options.json) {
      console.log(
        JSON.stringify({
          day,
          ok: verification.ok,
          violations: verification.violations,
          storedHash: verification.storedHash,
          recomputedHash: verification.recomputedHash,
        }),
      );
    } else if (verification.ok) {
      console.log(
        `offering of ${day} verified: ${verification.offering.completion?.allocationCount} allocations, hash ${verification.storedHash}`,
      );
    } else {
      for (const violation of verification.violations) console.error(`violation: ${violation}`);
    }
    if (!verification.ok)
      throw new CliError(
        'DCO.VERIFY_FAILED',
        `offering of ${day} violates ${verification.violations.length} ledger invariant(s)`,
        EXIT.FAILURE,
      );
  });
}
