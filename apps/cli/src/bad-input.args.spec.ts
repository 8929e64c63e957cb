// Bad-input suite, CLI arguments (issue 15 item 8): thousands of generated argument lists that name no command, or a
// command with generated options, and generated values for the day and number parsers. Each is refused with a usage
// exit status or a registered CLI code; nothing throws past runCli. Only argument lists that cannot reach a command's
// action are run (an action would talk to the broker, Neo4j, AWS or the API). Deterministic: fixed seed.
import { isErrorCode } from '@dco/contracts';
import fc from 'fast-check';
import { CliError, EXIT, parseDayOption, parsePositiveInt } from './cli-error';
import { runCli } from './main';

const SEED = 15_008;
const RUNS = 2_000;
const COMMANDS = new Set(['audit', 'db', 'dlq', 'drill', 'external', 'infra', 'offering', 'run', 'version', 'help']);

describe('bad input: generated CLI arguments', () => {
  let silence: jest.SpyInstance[] = [];
  beforeEach(() => {
    silence = [
      jest.spyOn(process.stderr, 'write').mockImplementation(() => true),
      jest.spyOn(process.stdout, 'write').mockImplementation(() => true),
      jest.spyOn(console, 'error').mockImplementation(() => undefined),
      jest.spyOn(console, 'log').mockImplementation(() => undefined),
    ];
  });
  afterEach(() => silence.forEach((spy) => spy.mockRestore()));

  it(`refuses ${RUNS} argument lists without a command with the usage exit status`, async () => {
    const token = fc.oneof(
      fc.string({ maxLength: 15 }),
      fc.constantFrom('--json', '--day', '2026-13-01', '--brokers', '-x', '--', '--version=1', '\u0000', '../../etc'),
    );
    const argv = fc
      .tuple(token, fc.array(token, { maxLength: 6 }))
      .filter(([first]) => !COMMANDS.has(first) && !first.startsWith('-'))
      .map(([first, rest]) => [first, ...rest]);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const status = await runCli(args);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        return status === EXIT.USAGE;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    process.stdout.write(
      `bad-input CLI: ${RUNS} argument lists, exit statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    );
  });

  it(`parses or refuses ${RUNS} generated days and numbers with CLI.INVALID_DAY / CLI.INVALID_NUMBER`, () => {
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 14 }),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        ),
        fc.string({ maxLength: 12 }),
        (day, number) => {
          for (const parse of [() => parseDayOption(day), () => parsePositiveInt('--limit', number)]) {
            try {
              parse();
            } catch (error) {
              if (!(error instanceof CliError) || !isErrorCode(error.code) || error.exitCode !== EXIT.USAGE)
                return false;
              codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
            }
          }
          return true;
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    expect(codes.get('CLI.INVALID_DAY')).toBeGreaterThan(0);
    expect(codes.get('CLI.INVALID_NUMBER')).toBeGreaterThan(0);
  });
});
