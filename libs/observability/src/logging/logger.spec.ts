// Logger: JSON lines with service, runId, traceId and spanId; secrets and signatures never reach the output.
import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { TracingHandle, initTracing } from '../tracing/tracing.setup';
import { runTraceIds } from '../tracing/run-trace';
import { withSpan } from '../tracing/with-span';
import { REDACTED, createLogger } from './logger.factory';
import { humanLogLine } from './human-log.format';
import { withLogContext } from './log-context';
import { PinoNestLogger } from './nest-logger.adapter';

type Line = Record<string, unknown>;

function capture(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { stream, lines };
}

let tracing: TracingHandle;
beforeAll(() => {
  tracing = initTracing({ serviceName: 'detector', exporter: new InMemorySpanExporter(), exportImmediately: true });
});
afterAll(() => tracing.shutdown());

describe('createLogger', () => {
  it('writes JSON with the service on every line and the run and span inside a run span', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'detector', destination: stream });
    logger.info('outside');
    await withSpan('detect', { runId: 'dco-2026-11-26' }, async () => logger.info({ sources: 6 }, 'inside'));
    const [outside, inside] = lines;
    expect(outside).toMatchObject({ service: 'detector', level: 'info', msg: 'outside' });
    expect(outside.runId).toBeUndefined();
    expect(outside.traceId).toBeUndefined();
    expect(inside).toMatchObject({
      service: 'detector',
      msg: 'inside',
      sources: 6,
      runId: 'dco-2026-11-26',
      traceId: runTraceIds('dco-2026-11-26').traceId,
    });
    expect(inside.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof inside.time).toBe('string');
  });

  it('keeps the run of an async log context across awaits', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'detector', destination: stream });
    await withLogContext({ runId: 'dco-2026-11-27', messageType: 'DetectChanges' }, async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      logger.warn('later');
    });
    expect(lines[0]).toMatchObject({ runId: 'dco-2026-11-27', messageType: 'DetectChanges', level: 'warn' });
  });

  it('redacts secrets, tokens, authorization headers and HMAC signatures at any usual depth', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'orchestrator', destination: stream });
    logger.info(
      {
        token: 'op-token-1',
        headers: { authorization: 'Bearer op-token-2' },
        request: { headers: { authorization: 'Bearer op-token-3' } },
        message: { data: { signature: 'deadbeef'.repeat(8), change: { subject: 'openssl' } } },
        aws: { credentials: { secretAccessKey: 'AKIA-SECRET' } },
        db: { password: 'neo4j-pass' },
      },
      'with secrets',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['op-token-1', 'op-token-2', 'op-token-3', 'deadbeef', 'AKIA-SECRET', 'neo4j-pass'])
      expect(text).not.toContain(secret);
    expect(text).toContain('openssl');
    expect(lines[0]).toMatchObject({
      token: REDACTED,
      db: { password: REDACTED },
      message: { data: { signature: REDACTED } },
    });
  });
});

describe('PinoNestLogger', () => {
  it('turns Nest calls into JSON lines with the Nest context and error stacks', () => {
    const { stream, lines } = capture();
    const nest = new PinoNestLogger(createLogger({ service: 'scheduler', destination: stream, level: 'debug' }));
    nest.log('Nest application successfully started', 'NestApplication');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    nest.debug({ event: 'tick' }, 'Scheduler');
    nest.verbose('hidden', 'Scheduler');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'Nest application successfully started',
      context: 'NestApplication',
      service: 'scheduler',
    });
    expect(lines[1]).toMatchObject({
      level: 'error',
      msg: 'boom',
      context: 'ExceptionsHandler',
      stack: 'Error: boom\n    at x',
    });
    expect(lines[2]).toMatchObject({ level: 'debug', event: 'tick', context: 'Scheduler' });
  });
});

describe('log formats', () => {
  function text(): { stream: Writable; lines: string[] } {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    return { stream, lines };
  }
  const applied = {
    event: 'infra.applied',
    planId: 'dco-2026-11-26-afbbc461f074',
    adds: 7,
    replaced: [],
    output: 'Apply complete! Resources changed: 7.',
  };

  it('JSON stays the default', () => {
    const saved = process.env.LOG_FORMAT;
    delete process.env.LOG_FORMAT;
    try {
      const { stream, lines } = text();
      createLogger({ service: 'infra-deployer', destination: stream }).info(applied, 'infra.applied');
      expect(JSON.parse(lines[0])).toMatchObject({ service: 'infra-deployer', msg: 'infra.applied', adds: 7 });
    } finally {
      if (saved !== undefined) process.env.LOG_FORMAT = saved;
    }
  });

  it("human (LOG_FORMAT=human) writes the live log's columns, no JSON line, and still redacts", async () => {
    const saved = process.env.LOG_FORMAT;
    process.env.LOG_FORMAT = 'human';
    try {
      const { stream, lines } = text();
      const logger = createLogger({ service: 'infra-deployer', destination: stream });
      await withSpan('apply', { runId: 'dco-2026-11-26' }, async () => logger.info(applied, 'infra.applied'));
      logger.warn({ signature: 'ab'.repeat(32) }, 'report refused');
      expect(lines).toEqual([
        expect.stringMatching(
          /^\d\d:\d\d:\d\d dco-2026-11-26 {5}infra-deployer infra\.applied planId=dco-2026-11-26-afbbc461f074 adds=7 replaced=\[\] output="Apply complete! Resources changed: 7\."$/,
        ),
        expect.stringMatching(/^\d\d:\d\d:\d\d - {18}infra-deployer WARN: report refused signature=\[REDACTED\]$/),
      ]);
      expect(lines.some((line) => line.includes('{"'))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.LOG_FORMAT;
      else process.env.LOG_FORMAT = saved;
    }
  });

  it('renders an error by its message', () => {
    expect(
      humanLogLine({
        level: 'error',
        time: '2026-11-26T07:00:01.000Z',
        service: 'detector',
        msg: 'failed',
        err: { type: 'Error', message: 'boom', stack: 'Error: boom' },
      }),
    ).toBe('07:00:01 -                  detector       ERROR: failed err="boom"');
  });

  it('refuses an unknown format', () => {
    const saved = process.env.LOG_FORMAT;
    process.env.LOG_FORMAT = 'xml';
    try {
      expect(() => createLogger({ service: 'detector' })).toThrow(
        expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('LOG_FORMAT') }),
      );
    } finally {
      if (saved === undefined) delete process.env.LOG_FORMAT;
      else process.env.LOG_FORMAT = saved;
    }
  });
});
