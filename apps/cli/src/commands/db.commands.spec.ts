// `dco db ...` argument checking and the embedded-profile migration, without a server.
import { runCli } from '../main';
import { EXIT } from '../cli-error';

describe('dco db', () => {
  let errors: string[];
  let logs: string[];
  const env = { ...process.env };
  beforeEach(() => {
    errors = [];
    logs = [];
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (errors.push(String(chunk)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...env };
  });

  it.each([
    [['db', 'restore', 'x.gz', '--target', 'http://nope'], 'CLI.INVALID_ARGUMENT'],
    [['db', 'validate', '--source', 'bolt://a:1', '--target', 'not a uri'], 'CLI.INVALID_ARGUMENT'],
    [['db', 'backup', '--out', 'x.gz', '--page-size', '0'], 'CLI.INVALID_NUMBER'],
    [['db', 'migrate', '--image', 'ami-1', '--run-id', 'Bad Id'], 'CLI.INVALID_ARGUMENT'],
    [['db', 'rollback', '--run-id', '../etc'], 'CLI.INVALID_ARGUMENT'],
  ])('rejects %j with a usage error', async (argv, code) => {
    expect(await runCli(argv)).toBe(EXIT.USAGE);
    expect(errors.join('')).toContain(code);
  });

  it('requires the image of a migration', async () => {
    expect(await runCli(['db', 'migrate'])).toBe(EXIT.USAGE);
    expect(errors.join('')).toContain("required option '--image <id>' not specified");
  });

  it('reports a missing backup file as not found', async () => {
    expect(await runCli(['db', 'restore', '/nonexistent/backup.gz', '--target', 'bolt://127.0.0.1:7687'])).toBe(
      EXIT.NOT_FOUND,
    );
    expect(errors.join('')).toContain('CLI.NOT_FOUND');
  });

  it('migrates in the embedded profile and prints JSON', async () => {
    process.env.DCO_PROFILE = 'embedded';
    expect(await runCli(['db', 'migrate', '--image', 'neo4j-5.26.19-test', '--run-id', 'manual-1', '--json'])).toBe(
      EXIT.OK,
    );
    expect(JSON.parse(logs[0])).toMatchObject({
      runId: 'manual-1',
      fromVersion: '5.20.0',
      toVersion: '5.26.19',
      nodes: 0,
    });
  });

  it('prints a coded JSON error when the migration fails', async () => {
    process.env.DCO_PROFILE = 'embedded';
    expect(await runCli(['db', 'migrate', '--image', 'ami-without-version', '--json'])).toBe(EXIT.FAILURE);
    expect(JSON.parse(logs[0])).toMatchObject({ error: { code: 'DB.PROVISION_FAILED' } });
    expect(errors.join('')).toContain('DB.PROVISION_FAILED');
  });
});
