// `dco external sign` produces what the inbox verifies; bad input is a usage error.
import { randomBytes } from 'node:crypto';
import { signatureMatches } from '../../../detector/src';
import { EXIT } from '../cli-error';
import { runCli } from '../main';

describe('dco external', () => {
  let logs: string[];
  let errors: string[];
  beforeEach(() => {
    logs = [];
    errors = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
  });
  afterEach(() => jest.restoreAllMocks());

  it('signs a report so that the inbox accepts its signature', async () => {
    const key = randomBytes(32);
    const report = { producerId: 'security-feed', reportId: 'r-1', reportedAt: '2026-11-26T06:00:00Z', urgent: false, change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE' } };
    expect(await runCli(['external', 'sign', '--key', key.toString('base64'), '--data', JSON.stringify(report)])).toBe(EXIT.OK);
    const signed = JSON.parse(logs[0]) as Record<string, unknown>;
    expect(signatureMatches(signed, key)).toBe(true);
    expect(signatureMatches({ ...signed, urgent: true }, key)).toBe(false);
  });

  it.each([
    [['external', 'sign', '--key', 'c2hvcnQ=', '--data', '{}'], 'CLI.INVALID_ARGUMENT'],
    [['external', 'sign', '--key', randomBytes(32).toString('base64'), '--data', '[1]'], 'CLI.INVALID_ARGUMENT'],
    [['external', 'send', '--url', 'ftp://x', '--data', '{}'], 'CLI.INVALID_ARGUMENT'],
    [['infra', 'apply', '--plan', '../x'], 'CLI.INVALID_ARGUMENT'],
    [['infra', 'rollback', '--day', '2026-13-01'], 'CLI.INVALID_DAY'],
  ])('rejects %j as a usage error', async (argv, code) => {
    expect(await runCli(argv)).toBe(EXIT.USAGE);
    expect(errors.join('')).toContain(code);
  });
});
