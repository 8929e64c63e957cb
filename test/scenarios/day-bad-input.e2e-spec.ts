// `npm run day` (tools/day/main.ts) refuses bad input with a coded message and exit status, and leaves nothing
// half-prepared behind: an unknown scenario (2), a stack that is not up (5), a second scenario while one runs (4);
// Ctrl-C in the middle cleans up.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTs, runTs, waitFor } from '@dco/testing';
import { DAY_LOCK_FILE } from '../../tools/day/day-runner';
import { REPO_ROOT } from '../../tools/day/day-workspace';

jest.setTimeout(10 * 60_000);

const DAY = join(REPO_ROOT, 'tools', 'day', 'main.ts');
const DAY_DIR = join(REPO_ROOT, '.stack', 'day');
const scenarioDirs = () =>
  existsSync(DAY_DIR)
    ? readdirSync(DAY_DIR)
        .filter((name) => !name.endsWith('.lock'))
        .sort()
    : [];

describe('npm run day: bad input', () => {
  it('an unknown scenario: DAY.UNKNOWN_SCENARIO, exit 2, the known names listed, nothing created', async () => {
    const before = scenarioDirs();
    const result = await runTs(DAY, { args: ['--scenario', 'no-such-day', '--exit'], timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^DAY\.UNKNOWN_SCENARIO: unknown scenario "no-such-day"; known: quiet-day, /m);
    expect(result.stderr).toContain(' neo4j-upgrade,');
    expect(scenarioDirs()).toEqual(before);
    expect(existsSync(DAY_LOCK_FILE)).toBe(false);
  });

  it('a stack that is not up: DAY.STACK_NOT_READY naming each component, exit 5, nothing created', async () => {
    // A stack configuration whose every port is free: the same code, pointed at a stack nobody started.
    const root = mkdtempSync(join(tmpdir(), 'dco-day-nostack-'));
    try {
      const config = JSON.parse(readFileSync(join(REPO_ROOT, 'stack', 'stack.config.json'), 'utf8')) as Record<
        string,
        Record<string, unknown>
      >;
      const shifted = {
        ...config,
        kafka: { ...config.kafka, port: 29_092, controllerPort: 29_093 },
        moto: { ...config.moto, port: 25_055 },
        jaeger: { ...config.jaeger, otlpHttpPort: 24_318, queryPort: 26_686 },
      };
      mkdirSync(join(root, 'stack'));
      writeFileSync(join(root, 'stack', 'stack.config.json'), JSON.stringify(shifted));
      writeFileSync(join(root, 'package.json'), '{}');
      const before = scenarioDirs();
      const env = {
        DCO_STACK_ROOT: root,
        KAFKA_BROKERS: '',
        DCO_AWS_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        JAEGER_QUERY_URL: '',
      };
      const result = await runTs(DAY, { args: ['--scenario', 'quiet-day', '--exit'], env, timeoutMs: 60_000 });
      expect(result.code).toBe(5);
      expect(result.stderr).toMatch(
        /^DAY\.STACK_NOT_READY: the local stack is not up: kafka \(127\.0\.0\.1:29092\), moto \(http:\/\/127\.0\.0\.1:25055\), jaeger \(http:\/\/127\.0\.0\.1:26686\), tofu \(.*\) did not answer; start it with npm run stack:up/m,
      );
      expect(scenarioDirs()).toEqual(before);
      expect(existsSync(DAY_LOCK_FILE)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a scenario while another runs: DAY.RUN_IN_PROGRESS, exit 4, the running one untouched; Ctrl-C then cleans the first up', async () => {
    const first = spawnTs(DAY, { args: ['--scenario', 'quiet-day', '--exit'] });
    try {
      const shown = await first.waitForOutput(/workspace (\S+quiet-day-[0-9a-f]{8}) /, 60_000);
      const firstDir = /workspace (\S+quiet-day-[0-9a-f]{8}) /.exec(shown)?.[1] ?? '';
      await waitFor(() => (existsSync(firstDir) && existsSync(DAY_LOCK_FILE) ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 100,
        description: 'the first scenario to hold the lock',
      });

      const second = await runTs(DAY, { args: ['--scenario', 'neo4j-upgrade', '--exit'], timeoutMs: 60_000 });
      expect(second.code).toBe(4);
      expect(second.stderr).toMatch(
        new RegExp(`^DAY\\.RUN_IN_PROGRESS: scenario quiet-day is running \\(pid ${first.pid},`, 'm'),
      );
      // The second never got as far as a workspace; the first still owns the lock and its directory.
      expect(second.stdout).not.toMatch(/workspace/);
      expect(JSON.parse(readFileSync(DAY_LOCK_FILE, 'utf8'))).toMatchObject({
        pid: first.pid,
        scenario: 'quiet-day',
        dir: firstDir,
      });
      expect(existsSync(firstDir)).toBe(true);

      // Ctrl-C: the first stops where it is and removes everything it made.
      const exit = await first.kill('SIGINT', 240_000);
      expect(exit.code).toBe(1);
      expect(first.stderr()).toMatch(/DAY\.INTERRUPTED/);
      expect(existsSync(firstDir)).toBe(false);
      expect(existsSync(DAY_LOCK_FILE)).toBe(false);
    } finally {
      await first.kill('SIGKILL', 1_000);
    }
  });
});
