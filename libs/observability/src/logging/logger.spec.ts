// Logger: JSON lines with service, runId, traceId and spanId; secrets and signatures never reach the output.
import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { TracingHandle, initTracing } from '../tracing/tracing.setup';
import { runTraceIds } from '../tracing/run-trace';
import { withSpan } from '../tracing/with-span';
import { REDACTED, createLogger } from './logger.factory';
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
    expect(inside).toMatchObject({ service: 'detector', msg: 'inside', sources: 6, runId: 'dco-2026-11-26', traceId: runTraceIds('dco-2026-11-26').traceId });
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
    for (const secret of ['op-token-1', 'op-token-2', 'op-token-3', 'deadbeef', 'AKIA-SECRET', 'neo4j-pass']) expect(text).not.toContain(secret);
    expect(text).toContain('openssl');
    expect(lines[0]).toMatchObject({ token: REDACTED, db: { password: REDACTED }, message: { data: { signature: REDACTED } } });
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
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Nest application successfully started', context: 'NestApplication', service: 'scheduler' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler', stack: 'Error: boom\n    at x' });
    expect(lines[2]).toMatchObject({ level: 'debug', event: 'tick', context: 'Scheduler' });
  });
});
