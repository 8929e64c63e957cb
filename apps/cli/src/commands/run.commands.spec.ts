// dco run / status / approve / reject / resume against a stub orchestrator API: requests sent, output, error codes and exit codes.
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { EXIT } from '../cli-error';
import { runCli } from '../main';

interface Seen {
  method: string;
  url: string;
  body: unknown;
  authorization?: string;
}

jest.setTimeout(20_000);

const TOKEN = 'api-token-0123456789';

describe('dco run commands', () => {
  let server: Server;
  let base: string;
  let seen: Seen[];
  let reply: (request: Seen) => [number, unknown];
  let logs: string[];
  let errors: string[];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        const entry: Seen = {
          method: request.method ?? '',
          url: request.url ?? '',
          body: text ? JSON.parse(text) : undefined,
          authorization: request.headers.authorization,
        };
        seen.push(entry);
        const [status, body] = reply(entry);
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    seen = [];
    logs = [];
    errors = [];
    reply = () => [200, {}];
    process.env.DCO_API_TOKEN = TOKEN;
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (errors.push(String(chunk)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.DCO_API_TOKEN;
  });

  it('dco run --day asks the API for that day with the API token and prints the run id', async () => {
    reply = () => [202, { runId: 'dco-2026-11-26-r1', day: '2026-11-26', rerun: true }];
    expect(await runCli(['run', '--day', '2026-11-26', '--api', base])).toBe(EXIT.OK);
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/runs',
        body: { day: '2026-11-26', reason: 'requested from the dco CLI' },
        authorization: `Bearer ${TOKEN}`,
      },
    ]);
    expect(logs[0]).toContain('rerun dco-2026-11-26-r1 requested');
  });

  it('dco status lists runs, and shows one run with its timeline as JSON', async () => {
    reply = (request) =>
      request.url.startsWith('/api/runs?')
        ? [
            200,
            [
              {
                runId: 'dco-2026-11-26',
                day: '2026-11-26',
                status: 'Completed',
                trigger: 'schedule',
                startedAt: '2026-11-26T06:00:00.000Z',
                resultHash: 'a'.repeat(64),
              },
            ],
          ]
        : [
            200,
            {
              runId: 'dco-2026-11-26',
              status: 'Completed',
              steps: [{ step: 'detect', attempt: 1, outcome: 'succeeded' }],
            },
          ];
    expect(await runCli(['status', '--api', base])).toBe(EXIT.OK);
    expect(seen[0].authorization).toBe(`Bearer ${TOKEN}`);
    expect(logs[0]).toMatch(/^dco-2026-11-26\s+Completed/);
    expect(await runCli(['status', 'dco-2026-11-26', '--json', '--api', base])).toBe(EXIT.OK);
    expect(JSON.parse(logs[1]).steps[0].step).toBe('detect');
  });

  it('dco audit --day reads the day from the API and prints one line per entry, who and why', async () => {
    reply = () => [
      200,
      [
        {
          runId: 'dco-2026-11-26',
          at: '2026-11-26T06:01:00.000Z',
          kind: 'approval-granted',
          actor: 'alice',
          summary: 'alice approved the plan plan-1: reviewed',
          reason: 'reviewed',
          planId: 'plan-1',
        },
        {
          runId: 'dco-2026-11-26',
          at: '2026-11-26T06:00:00.000Z',
          kind: 'change-detected',
          actor: 'detector',
          summary: 'neo4j-ami neo4j: a -> b (high risk)',
          reason: 'a newer AMI',
        },
      ],
    ];
    expect(await runCli(['audit', '--day', '2026-11-26', '--api', base])).toBe(EXIT.OK);
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/api/audit?day=2026-11-26',
      authorization: `Bearer ${TOKEN}`,
    });
    expect(logs[0]).toMatch(/approval-granted\s+alice\s+alice approved the plan plan-1: reviewed$/);
    expect(logs[1]).toContain('(why: a newer AMI)');
    expect(await runCli(['audit', '--day', '2026-11-26', '--run', 'dco-2026-11-26-r1', '--json', '--api', base])).toBe(
      EXIT.OK,
    );
    expect(seen[1].url).toBe('/api/audit?day=2026-11-26&runId=dco-2026-11-26-r1');
    expect(JSON.parse(logs[2])).toHaveLength(2);
  });

  it.each([
    ['no --day', ['audit'], undefined],
    ['a malformed day', ['audit', '--day', '2026-02-30x'], 'CLI.INVALID_DAY'],
    ['a malformed run id', ['audit', '--day', '2026-11-26', '--run', '../x'], 'CLI.INVALID_RUN_ID'],
  ])('dco audit refuses %s with the usage status, asking nothing', async (_name, args, code) => {
    expect(await runCli([...args, '--api', base])).toBe(EXIT.USAGE);
    expect(seen).toEqual([]);
    if (code) expect(errors.join('')).toContain(code);
  });

  it('dco approve sends why and the API token, and prints who the API recorded', async () => {
    reply = () => [202, { runId: 'dco-2026-11-26', decision: 'granted', by: 'alice' }];
    expect(await runCli(['approve', 'dco-2026-11-26', '--reason', 'reviewed', '--api', base])).toBe(EXIT.OK);
    expect(seen[0]).toEqual({
      method: 'POST',
      url: '/api/runs/dco-2026-11-26/approve',
      body: { reason: 'reviewed' },
      authorization: `Bearer ${TOKEN}`,
    });
    expect(logs[0]).toBe('dco-2026-11-26: approved by alice');
  });

  it('dco resume sends why and the API token, and names who resumed and the step issued again', async () => {
    reply = () => [202, { runId: 'dco-2026-11-26', step: 'rollback-db', eventId: 'e-1', by: 'carol' }];
    expect(await runCli(['resume', 'dco-2026-11-26', '--reason', 'restored the pointer', '--api', base])).toBe(EXIT.OK);
    expect(seen[0]).toEqual({
      method: 'POST',
      url: '/api/runs/dco-2026-11-26/resume',
      body: { reason: 'restored the pointer' },
      authorization: `Bearer ${TOKEN}`,
    });
    expect(logs[0]).toContain('resumed by carol; rollback-db issued again');
  });

  it.each([
    [404, { code: 'RUN.NOT_FOUND', message: 'no run dco-2026-01-01' }, EXIT.NOT_FOUND],
    [
      409,
      { code: 'RUN.NOT_FAILED', message: 'dco-2026-01-01 is RunningDco; only a Failed run can be resumed' },
      EXIT.CONFLICT,
    ],
    [409, { code: 'RUN.NOTHING_TO_RESUME', message: 'dco-2026-01-01 has no compensation left' }, EXIT.CONFLICT],
  ])('dco resume maps HTTP %i to its code and exit code', async (status, body, exit) => {
    reply = () => [status, body];
    expect(await runCli(['resume', 'dco-2026-01-01', '--reason', 'fixed', '--api', base])).toBe(exit);
    expect(errors.join('')).toContain(`${body.code}: ${body.message}`);
  });

  it.each([
    [404, { code: 'RUN.NOT_FOUND', message: 'no run dco-2026-01-01' }, EXIT.NOT_FOUND],
    [409, { code: 'RUN.NOT_AWAITING_APPROVAL', message: 'dco-2026-01-01 is Detecting' }, EXIT.CONFLICT],
    [
      401,
      { code: 'API.UNAUTHORIZED', message: 'the bearer token is not one of the configured API credentials' },
      EXIT.FAILURE,
    ],
    [
      403,
      { code: 'API.FORBIDDEN', message: 'val is viewer; POST /api/runs/dco-2026-01-01/reject needs operator' },
      EXIT.FAILURE,
    ],
    [429, { code: 'API.RATE_LIMITED', message: 'too many decisions requests; retry in 12 s' }, EXIT.UNAVAILABLE],
    [500, { code: 'API.INTERNAL', message: 'unexpected error' }, EXIT.UNAVAILABLE],
  ])('maps HTTP %i to its code and exit code', async (status, body, exit) => {
    reply = () => [status, body];
    expect(await runCli(['reject', 'dco-2026-01-01', '--reason', 'no', '--api', base])).toBe(exit);
    expect(errors.join('')).toContain(`${body.code}: ${body.message}`);
  });

  it.each([
    [['run', '--day', '2026-13-01'], 'CLI.INVALID_DAY'],
    [['status', 'run-1'], 'CLI.INVALID_RUN_ID'],
    [['approve', 'dco-2026-11-26'], "required option '--reason <text>' not specified"],
    [['approve', 'dco-2026-11-26', '--reason', '  '], 'CLI.INVALID_ARGUMENT: --reason must not be empty'],
    [['approve', 'dco-2026-11-26', '--reason', 'ok', '--by', 'mallory'], "unknown option '--by'"],
    [['run', '--by', 'mallory'], "unknown option '--by'"],
    [['status', '--api', 'ftp://x'], 'CLI.INVALID_URL'],
    [['resume', 'dco-2026-11-26'], "required option '--reason <text>' not specified"],
    [['resume', 'dco-2026-11-26', '--reason', ' '], 'CLI.INVALID_ARGUMENT: --reason must not be empty'],
    [['resume', 'last-run', '--reason', 'fixed'], 'CLI.INVALID_RUN_ID'],
    [['resume', '--reason', 'fixed'], "missing required argument 'runId'"],
  ])('refuses %j with a usage error before calling the API', async (argv, text) => {
    const args = argv.includes('--api') ? argv : [...argv, '--api', base];
    expect(await runCli(args)).toBe(EXIT.USAGE);
    expect(errors.join('')).toContain(text);
    expect(seen).toEqual([]);
  });

  it.each([
    [['approve', 'dco-2026-11-26', '--reason', 'ok'], undefined],
    [['resume', 'dco-2026-11-26', '--reason', 'fixed'], undefined],
    [['status'], undefined],
    [['run'], 'a token with spaces'],
  ])('refuses %j without a usable DCO_API_TOKEN (CLI.NO_TOKEN) before calling the API', async (argv, token) => {
    if (token === undefined) delete process.env.DCO_API_TOKEN;
    else process.env.DCO_API_TOKEN = token;
    expect(await runCli([...argv, '--api', base])).toBe(EXIT.USAGE);
    expect(errors.join('')).toContain('CLI.NO_TOKEN');
    expect(errors.join('')).not.toContain('a token with spaces');
    expect(seen).toEqual([]);
  });

  it('reports an unreachable orchestrator with exit 5', async () => {
    expect(await runCli(['status', '--api', 'http://127.0.0.1:9'])).toBe(EXIT.UNAVAILABLE);
    expect(errors.join('')).toContain('CLI.API_UNREACHABLE');
  });
});
