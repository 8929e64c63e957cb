// The Kafka client's lines reach pino as message plus fields, so its redaction paths apply to them.
import { createLogger } from './logger.factory';
import { pinoBusLogger } from './bus-logger.adapter';

describe('pinoBusLogger', () => {
  it('writes component kafka, the message, the fields, and redacts secret fields', () => {
    const lines: string[] = [];
    const logger = pinoBusLogger(
      createLogger({
        service: 's',
        level: 'debug',
        format: 'json',
        destination: { write: (line) => lines.push(line) },
      }),
    );
    logger('warn', 'SASL authentication failed', { broker: 'b:9092', sasl: { password: 'hunter2-secret' } });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'warn',
      component: 'kafka',
      msg: 'SASL authentication failed',
      broker: 'b:9092',
    });
    expect(lines[0]).not.toContain('hunter2-secret');
  });
});
