import { LoggingBusObserver } from './logging-bus.observer';

describe('LoggingBusObserver', () => {
  const sink = () => {
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    return {
      lines,
      warn: (fields: Record<string, unknown>, message: string) => void lines.push({ level: 'warn', fields, message }),
      error: (fields: Record<string, unknown>, message: string) => void lines.push({ level: 'error', fields, message }),
    };
  };

  it('logs every dead letter and parked record with its reason', () => {
    const log = sink();
    const observer = new LoggingBusObserver(log);
    observer.onDeadLettered({ group: 'g', topic: 'ns.MigrateDb', code: 'MSG.HANDLER_FAILED', reason: 'lease held' });
    observer.onParked({ group: 'g', topic: 'ns.MigrateDb', partition: 1, offset: '7', reason: 'too large' });
    expect(log.lines.map((line) => [line.level, line.fields.reason])).toEqual([
      ['error', 'lease held'],
      ['error', 'too large'],
    ]);
    expect(log.lines[0].message).toContain('MSG.HANDLER_FAILED');
  });

  it('logs the retries of attempts 1, 2, 4, 8 and 16 only', () => {
    const log = sink();
    const observer = new LoggingBusObserver(log);
    for (let attempt = 1; attempt <= 20; attempt += 1)
      observer.onRetry({
        group: 'g',
        topic: 't',
        type: 'MigrateDb',
        attempt,
        delayMs: 5_000,
        error: 'DB.MIGRATION_LEASE_HELD',
      });
    expect(log.lines.map((line) => line.fields.attempt)).toEqual([1, 2, 4, 8, 16]);
    expect(log.lines.every((line) => line.level === 'warn')).toBe(true);
  });
});
