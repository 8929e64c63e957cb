// `npm start` as a newcomer runs it: one process, the embedded profile, one complete day with a detected change,
// infra apply, a blue-green migration and the DCO, then an exit with status 0 (--once).
import { spawnTs } from '@dco/testing';

const dayAfterTomorrow = (): string => {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() + 2);
  return day.toISOString().slice(0, 10);
};

describe('npm start (embedded profile)', () => {
  it('runs a full daily cycle: detect, apply infra, migrate Neo4j blue-green, DCO', async () => {
    const day = dayAfterTomorrow();
    const app = spawnTs('apps/embedded/src/main.ts', {
      args: ['--once', '--day', day],
      env: { PORT: '0', LOG_LEVEL: 'warn' },
    });
    const exit = await app.exited;
    const output = app.stdout();
    // The output rides along so that a failure shows what the run printed.
    expect(`exit ${exit.code}\n${output.slice(-3000)}`).toMatch(/^exit 0\n/);
    expect(output).toMatch(/detector\s+detected \d+ change\(s\): neo4j-ami/);
    expect(output).toMatch(/infra-deployer\s+infrastructure applied/);
    // Log lines render as console lines too (logger.spec.ts shows the format): no raw JSON interrupts the live log.
    expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    expect(output).toMatch(/Neo4j migrated 5\.20\.0 -> 5\.26\.19: [1-9]\d* nodes/);
    expect(output).toMatch(new RegExp(`DCO ${day}: offered (\\d+), allocated \\1 to [1-9]\\d* accounts`));
    expect(output).toContain(`RUN COMPLETED ${day}: steps detect -> apply-infra -> migrate-db -> run-dco`);
    // The run's audit trail (ADR 0028), read back at the end: the change, the apply, the migration and the DCO, each
    // by its service.
    const audit = output.slice(output.indexOf('Audit trail of'));
    for (const [actor, kind] of [
      ['detector', 'change-detected'],
      ['infra-deployer', 'apply'],
      ['db-migrator', 'migration'],
      ['dco-runner', 'dco'],
    ])
      expect(audit).toMatch(new RegExp(`${actor}\\s+${kind}: `));
    // No set-up: an admin credential is generated and its token printed once, nowhere else.
    const token = /export DCO_API_TOKEN=([\w-]{32})\)/.exec(output)?.[1];
    expect(token).toBeDefined();
    expect(output.split(token as string)).toHaveLength(2);
    expect(app.stderr()).not.toContain(token);
    // On the Node the project pins, no dependency warns about the runtime (ADR 0024).
    expect(app.stderr().match(/^\(node:\d+\) .*Warning: .*$/gm) ?? []).toEqual([]);
  });

  it('refuses a malformed --day with a coded message and the config exit status', async () => {
    const app = spawnTs('apps/embedded/src/main.ts', { args: ['--once', '--day', '26/11/2026'], env: { PORT: '0' } });
    expect((await app.exited).code).toBe(78);
    expect(app.stderr()).toContain('CLI.INVALID_DAY');
  });
});
