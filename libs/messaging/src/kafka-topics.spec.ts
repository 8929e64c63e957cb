// The declared topic configurations: found under the deployment's prefix, never for a dead-letter or undeclared topic.
import { AUDIT_RETENTION_MS, topicConfigOf } from './kafka-topics';

describe('topicConfigOf', () => {
  it('gives the audit topic its retention, with or without a prefix (ADR 0028)', () => {
    const expected = [
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(AUDIT_RETENTION_MS) },
      { name: 'retention.bytes', value: '-1' },
    ];
    expect(topicConfigOf('AuditRecorded')).toEqual(expected);
    expect(topicConfigOf('stg.AuditRecorded', 'stg.')).toEqual(expected);
    expect(AUDIT_RETENTION_MS).toBe(400 * 24 * 3600 * 1000);
  });

  it('leaves every other topic, and the audit topic of another prefix or its .dlq, to the broker defaults', () => {
    expect(topicConfigOf('ApplyInfra')).toBeUndefined();
    expect(topicConfigOf('AuditRecorded.dlq')).toBeUndefined();
    expect(topicConfigOf('prod.AuditRecorded', 'stg.')).toBeUndefined();
  });
});
