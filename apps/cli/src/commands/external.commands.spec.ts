// `dco external sign|send` produce CloudEvents the inbox reads and verifies; bad input is a usage error.
import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { readHttpCloudEvent, signatureMatches } from '../../../detector/src';
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

  const key = randomBytes(32);
  const report = {
    producerId: 'security-feed',
    reportId: 'r-1',
    reportedAt: '2026-11-26T06:00:00Z',
    urgent: false,
    change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE' },
  };

  it('signs a report as a structured CloudEvent whose signature the inbox accepts', async () => {
    expect(await runCli(['external', 'sign', '--key', key.toString('base64'), '--data', JSON.stringify(report)])).toBe(
      EXIT.OK,
    );
    const reading = readHttpCloudEvent({ headers: { 'content-type': 'application/cloudevents+json' }, body: logs[0] });
    expect(reading).toMatchObject({ ok: true, report: { producerId: 'security-feed', reportId: 'r-1' } });
    const signed = (reading as { report: Record<string, unknown> }).report;
    expect(signatureMatches(signed, key)).toBe(true);
    expect(signatureMatches({ ...signed, urgent: true }, key)).toBe(false);
  });

  it('still signs the deprecated report body with --legacy', async () => {
    expect(
      await runCli(['external', 'sign', '--legacy', '--key', key.toString('base64'), '--data', JSON.stringify(report)]),
    ).toBe(EXIT.OK);
    expect(signatureMatches(JSON.parse(logs[0]) as Record<string, unknown>, key)).toBe(true);
  });

  it.each(['binary', 'structured'])('sends the report as a %s-mode CloudEvent and prints the answer', async (mode) => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response
          .writeHead(202, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted: true, reportId: 'r-1' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(
        await runCli([
          'external',
          'send',
          '--url',
          url,
          '--mode',
          mode,
          '--key',
          key.toString('base64'),
          '--data',
          JSON.stringify(report),
        ]),
      ).toBe(EXIT.OK);
    } finally {
      server.close();
    }
    expect(readHttpCloudEvent(received[0])).toMatchObject({ ok: true, report: { reportId: 'r-1' } });
    if (mode === 'binary') expect(received[0].headers['ce-specversion']).toBe('1.0');
    else expect(received[0].headers['content-type']).toContain('application/cloudevents+json');
    expect(JSON.parse(logs[0])).toEqual({ status: 202, accepted: true, reportId: 'r-1' });
  });

  it.each([
    [['external', 'sign', '--key', 'c2hvcnQ=', '--data', '{}'], 'CLI.INVALID_ARGUMENT'],
    [['external', 'sign', '--key', randomBytes(32).toString('base64'), '--data', '[1]'], 'CLI.INVALID_ARGUMENT'],
    [['external', 'send', '--url', 'ftp://x', '--data', '{}'], 'CLI.INVALID_ARGUMENT'],
    [['external', 'send', '--url', 'http://127.0.0.1:9', '--data', '{}'], 'CLI.INVALID_ARGUMENT'],
    [['external', 'send', '--url', 'http://127.0.0.1:9', '--mode', 'batch', '--data', '{}'], 'CLI.INVALID_ARGUMENT'],
    [['infra', 'apply', '--plan', '../x'], 'CLI.INVALID_ARGUMENT'],
    [['infra', 'rollback', '--day', '2026-13-01'], 'CLI.INVALID_DAY'],
  ])('rejects %j as a usage error', async (argv, code) => {
    expect(await runCli(argv)).toBe(EXIT.USAGE);
    expect(errors.join('')).toContain(code);
  });
});
