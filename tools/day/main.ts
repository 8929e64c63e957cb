// `npm run day -- --scenario <name>`: a real day on the local stack (six service processes, Kafka, Neo4j, the AWS
// emulator, OpenTofu, Jaeger), followed live; the services keep running for the dashboard and the trace until Ctrl-C,
// or stop at the end with --exit. Exit statuses: 0 as expected, 1 not as expected or failed, 2 unknown scenario, 4
// another scenario runs, 5 the stack is not up. Development tooling: not part of the operator CLI or any image's app.
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { DAY_EXIT, DayError } from './day-error';
import { describeReport, runDay } from './day-runner';
import { DAY_SCENARIOS } from './scenario-catalogue';

interface DayCommandOptions {
  scenario?: string;
  exit?: boolean;
  keep?: boolean;
  list?: boolean;
  json?: boolean;
}

export function buildDayProgram(): Command {
  return new Command('day')
    .description(
      'run a scenario day end to end on the local stack (npm run stack:up first) and check it against its expected outcome',
    )
    .option('--scenario <name>', `one of: ${DAY_SCENARIOS.map((scenario) => scenario.name).join(', ')}`)
    .option('--exit', 'stop the services and clean up as soon as the day is over (default: keep them until Ctrl-C)')
    .option('--keep', "keep the scenario's directory (logs, Terraform state, Neo4j homes) after cleanup")
    .option('--list', 'list the scenarios and what each expects')
    .option('--json', 'print the final report as JSON')
    .action(async (options: DayCommandOptions) => {
      if (options.list || !options.scenario) {
        for (const scenario of DAY_SCENARIOS) {
          console.log(`${scenario.name.padEnd(20)} ${scenario.summary}`);
          console.log(`${''.padEnd(20)} expects ${scenario.expect.status}: ${scenario.expect.steps.join(' -> ')}`);
        }
        if (!options.list) process.exitCode = DAY_EXIT.USAGE;
        return;
      }
      // Ctrl-C at any point stops the day and removes what it made; after the report it ends the session.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const session = await runDay({
          scenario: options.scenario,
          print: (line) => console.log(line),
          keepFiles: options.keep,
          signal: stop.signal,
        });
        const report = session.report;
        if (options.json)
          console.log(
            JSON.stringify({
              scenario: report.scenario.name,
              observation: report.observation,
              problems: report.problems,
              faults: report.faults,
              timings: report.timings,
            }),
          );
        else describeReport(report).forEach((line) => console.log(line));
        process.exitCode = report.problems.length === 0 ? DAY_EXIT.OK : DAY_EXIT.FAILURE;
        if (!options.exit && !stop.signal.aborted) {
          console.log('services keep running for the dashboard and the trace; Ctrl-C stops them and cleans up');
          await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
        }
        console.log('stopping the services and cleaning up...');
        await session.close();
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    })
    .showHelpAfterError('(run npm run day -- --help for usage)')
    .exitOverride();
}

/** Runs the day program on `argv` (without node and the script) and returns the exit status. */
export async function runDayProgram(argv: string[]): Promise<number> {
  try {
    await buildDayProgram().parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? DAY_EXIT.OK : Number(process.exitCode);
  } catch (error) {
    // commander has already printed its message (unknown option, help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? DAY_EXIT.OK : DAY_EXIT.USAGE;
    if (error instanceof DayError) {
      console.error(`${error.code}: ${error.message}`);
      return error.exitStatus;
    }
    console.error(`DAY.UNEXPECTED: ${(error as Error).message ?? String(error)}`);
    return DAY_EXIT.FAILURE;
  }
}

if (require.main === module) {
  void runDayProgram(process.argv.slice(2)).then((code) => process.exit(code));
}
