// The module boundaries are enforced by lint (eslint.config.mjs): each rule fails on a forbidden import and lets the
// allowed forms through. Lints one-line sources under made-up file names with the project's real configuration.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { LintMessage, SourceToLint } from './lint-sources';

interface ImportCase {
  /** The file the import is written in. */
  file: string;
  from: string;
}

const APP_API_ONLY = 'only through its public API';
const NOT_IN_PRODUCTION = 'production code never imports';
const NOT_IN_LIBS = /a lib never imports|only libs\/testing may import|does not import @dco\/testing/;

/** Forbidden imports and the message lint must give for each. */
const forbidden: Array<ImportCase & { rule: string; message: string | RegExp }> = [
  {
    rule: '(a)',
    file: 'apps/scheduler/src/daily-tick/tick.ts',
    from: '../../../detector/src/detect-changes/detect-changes.factory',
    message: APP_API_ONLY,
  },
  {
    rule: '(a)',
    file: 'apps/scheduler/src/main.ts',
    from: '../../orchestrator/src/orchestrator.module',
    message: APP_API_ONLY,
  },
  {
    rule: '(a)',
    file: 'apps/scheduler/src/main.ts',
    from: '../../../apps/detector/src/detector.config',
    message: APP_API_ONLY,
  },
  {
    rule: '(b)',
    file: 'libs/messaging/src/kafka-topics.ts',
    from: '../../../apps/orchestrator/src',
    message: NOT_IN_LIBS,
  },
  {
    rule: '(b)',
    file: 'libs/messaging/src/kafka-topics.ts',
    from: '../../../stack/stack-config',
    message: NOT_IN_LIBS,
  },
  {
    rule: '(b)',
    file: 'libs/testing/src/spawn-ts.ts',
    from: '../../../stack/support/process-supervisor',
    message: NOT_IN_LIBS,
  },
  {
    rule: '(b)',
    file: 'libs/dco/src/runner/reference.int-spec.ts',
    from: '../../../../test/support/saga-e2e.harness',
    message: NOT_IN_LIBS,
  },
  {
    rule: '(b)',
    file: 'libs/neo4j/src/fleet/fleet.ts',
    from: '../../../../tools/day/day-runner',
    message: NOT_IN_LIBS,
  },
  { rule: '(b)', file: 'libs/messaging/src/kafka-topics.ts', from: '@dco/stack', message: NOT_IN_LIBS },
  { rule: '(b)', file: 'libs/messaging/src/message-bus.contract.ts', from: '@dco/testing', message: NOT_IN_LIBS },
  {
    rule: '(c)',
    file: 'apps/cli/src/commands/run.commands.ts',
    from: '../../../../stack/stack-controller',
    message: NOT_IN_PRODUCTION,
  },
  { rule: '(c)', file: 'apps/cli/src/commands/run.commands.ts', from: '@dco/stack', message: NOT_IN_PRODUCTION },
  { rule: '(c)', file: 'apps/cli/src/commands/run.commands.ts', from: '@dco/testing', message: NOT_IN_PRODUCTION },
  {
    rule: '(c)',
    file: 'apps/orchestrator/src/main.ts',
    from: '../../../test/support/saga-e2e.harness',
    message: NOT_IN_PRODUCTION,
  },
  { rule: '(c)', file: 'apps/cli/src/main.ts', from: '../../../tools/day/day-runner', message: NOT_IN_PRODUCTION },
  { rule: '(c)', file: 'apps/embedded/src/main.ts', from: '../../../tools/day/main', message: NOT_IN_PRODUCTION },
  {
    rule: 'tools',
    file: 'tools/day/stack-preparation.ts',
    from: '../../apps/infra-deployer/src/apply-infra/infra-use-cases.factory',
    message: APP_API_ONLY,
  },
];

/** Imports the same rules must let through. */
const allowed: Array<ImportCase & { why: string }> = [
  { why: "another app's public API", file: 'apps/scheduler/src/daily-tick/tick.ts', from: '../../../detector/src' },
  {
    why: "another app's public API, spelled out",
    file: 'apps/scheduler/src/main.ts',
    from: '../../orchestrator/src/index',
  },
  { why: "the app's own code", file: 'apps/scheduler/src/main.ts', from: './daily-tick/daily-schedule' },
  {
    why: "the app's own code, the long way",
    file: 'apps/scheduler/src/daily-tick/tick.ts',
    from: '../../../scheduler/src/scheduler.config',
  },
  {
    why: "a spec sharing another app's fixture",
    file: 'apps/detector/src/sources.int-spec.ts',
    from: '../../infra-deployer/src/apply-infra/local-infra.fixture',
  },
  { why: 'a spec using the test helpers', file: 'apps/detector/src/inbox.int-spec.ts', from: '@dco/testing' },
  { why: 'libs/testing on the stack', file: 'libs/testing/src/stack-endpoints.ts', from: '@dco/stack' },
  { why: 'the dependency-free probes', file: 'libs/messaging/src/message-bus.contract.ts', from: '@dco/probes' },
  {
    why: "a lib's spec using the test helpers",
    file: 'libs/platform/src/command-worker.spec.ts',
    from: '@dco/testing',
  },
  {
    why: "a lib's test support on its own lib",
    file: 'libs/messaging/src/testing/kafka-test-cluster.ts',
    from: '../kafka-topics',
  },
  {
    why: "the day tooling on an app's public API",
    file: 'tools/day/stack-preparation.ts',
    from: '../../apps/infra-deployer/src',
  },
  { why: 'the day tooling on the stack', file: 'tools/day/stack-preparation.ts', from: '@dco/stack' },
];

const sourceOf = ({ file, from }: ImportCase): SourceToLint => ({
  filePath: file,
  source: `import { imported } from '${from}';\nexport const used = imported;\n`,
});

let boundaryMessages: string[][];

beforeAll(() => {
  const output = execFileSync(process.execPath, ['-r', './tools/register.js', 'tools/lint-sources.ts'], {
    cwd: join(__dirname, '..'),
    input: JSON.stringify([...forbidden, ...allowed].map(sourceOf)),
    encoding: 'utf8',
  });
  boundaryMessages = (JSON.parse(output) as LintMessage[][]).map((messages) =>
    messages
      .filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports')
      .map((message) => message.message),
  );
}, 120_000);

describe('lint boundaries', () => {
  it.each(forbidden.map((entry, index) => [entry.rule, entry.file, entry.from, index] as const))(
    '%s %s may not import %s',
    (_rule, _file, _from, index) => {
      expect(boundaryMessages[index]).toEqual([expect.stringMatching(forbidden[index].message)]);
    },
  );

  it.each(allowed.map((entry, index) => [entry.why, entry.file, entry.from, forbidden.length + index] as const))(
    'allows %s: %s imports %s',
    (_why, _file, _from, index) => {
      expect(boundaryMessages[index]).toEqual([]);
    },
  );
});
