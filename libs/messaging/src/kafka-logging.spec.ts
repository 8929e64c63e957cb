// The one logCreator of every kafkajs client: message plus fields, levels mapped, and the stderr fallback redacting.
import { logLevel } from 'kafkajs';
import { kafkaLogging, redactFields, REDACTED_VALUE } from './kafka-logging';
import { BusLogLevel } from './message-bus.port';

describe('kafkaLogging', () => {
  const capture = (threshold: BusLogLevel) => {
    const lines: Array<[string, string, Record<string, unknown>]> = [];
    const { logCreator, logLevel: level } = kafkaLogging(
      (l, message, detail) => lines.push([l, message, detail]),
      threshold,
    );
    const log = logCreator(level);
    return { lines, level, log };
  };
  const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
    namespace: 'Connection',
    level,
    label: 'x',
    log: { timestamp: 't', logger: 'kafkajs', message, ...extra },
  });

  it('passes message and fields apart, never the fields inside the message', () => {
    const { lines, log } = capture('info');
    log(entry(logLevel.ERROR, 'Connection error', { broker: 'b:9092', clientId: 'c' }));
    expect(lines).toEqual([
      ['error', 'Connection error', { namespace: 'Connection', broker: 'b:9092', clientId: 'c' }],
    ]);
  });

  it('logs a retried broker response as a warning, and drops what is under the threshold', () => {
    const { lines, log, level } = capture('warn');
    expect(level).toBe(logLevel.WARN);
    log(entry(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)'));
    log(entry(logLevel.INFO, 'Starting'));
    expect(lines.map(([l, m]) => [l, m])).toEqual([['warn', 'Response Metadata(key: 3, version: 6)']]);
  });
});

describe('redactFields', () => {
  it('replaces secret-named fields at any depth and keeps the rest', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(
      redactFields({
        broker: 'b',
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
        nested: [{ deeper: { authorization: 'Bearer t', apiToken: 't' } }],
        cyclic,
      }),
    ).toEqual({
      broker: 'b',
      sasl: REDACTED_VALUE,
      nested: [{ deeper: { authorization: REDACTED_VALUE, apiToken: REDACTED_VALUE } }],
      cyclic: { a: 1, self: '[…]' },
    });
  });
});
