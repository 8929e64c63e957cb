import { runCli } from './main';
import { EXIT } from './cli-error';

describe('dco CLI', () => {
  let errors: string[];
  let logs: string[];
  beforeEach(() => {
    errors = [];
    logs = [];
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (errors.push(String(chunk)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it('prints the version as JSON', async () => {
    expect(await runCli(['version', '--json'])).toBe(EXIT.OK);
    expect(JSON.parse(logs[0])).toEqual(
      expect.objectContaining({ schemas: expect.objectContaining({ DailyTick: 2 }) }),
    );
  });

  it('rejects an unknown command with the usage exit code', async () => {
    expect(await runCli(['frobnicate'])).toBe(EXIT.USAGE);
    expect(errors.join('')).toContain("unknown command 'frobnicate'");
  });
});
