// Saga log lines are structured: the message is only the message, the details are fields, and the logger's redaction
// reaches them (a secret inside JSON text in the message was out of its reach).
import { Writable } from 'node:stream';
import { PinoNestLogger, REDACTED, createLogger } from '@dco/observability';
import { writeSagaLog } from './saga-consumer.service';

describe('saga log lines', () => {
  it('are fields, not JSON in the message, and their secrets are redacted', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = new PinoNestLogger(
      createLogger({ service: 'orchestrator', level: 'debug', format: 'json', destination }),
    );
    writeSagaLog(logger, {
      level: 'warn',
      msg: 'saga rejected a message',
      code: 'SAGA.OUT_OF_ORDER',
      runId: 'dco-2026-11-26',
      detail: { authorization: 'Bearer secret-token-0123', signature: 'ab'.repeat(32) },
    });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'saga rejected a message',
      code: 'SAGA.OUT_OF_ORDER',
      runId: 'dco-2026-11-26',
      detail: { authorization: REDACTED, signature: REDACTED },
    });
    expect(lines[0]).not.toContain('secret-token-0123');
    expect(lines[0]).not.toContain('ab'.repeat(32));
  });

  it('writes an audit entry at info and the handling of a message at debug (ADR 0028)', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = new PinoNestLogger(
      createLogger({ service: 'orchestrator', level: 'info', format: 'json', destination }),
    );
    writeSagaLog(logger, { level: 'debug', msg: 'ChangesDetected -> ApplyingInfra', runId: 'dco-2026-11-26' });
    writeSagaLog(logger, {
      level: 'info',
      msg: 'audit approval-granted: alice approved the changes: ok',
      runId: 'dco-2026-11-26',
      audit: { kind: 'approval-granted', actor: 'alice' },
    });
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'info', audit: { kind: 'approval-granted', actor: 'alice' } }),
    ]);
  });
});
