// Dead letters are bounded: an original too large to copy is stored truncated with its sha256, size and position.
import { createHash } from 'node:crypto';
import { matchesFilter } from './dead-letter-queue.port';
import { refusalOf } from './kafka-message-bus.adapter';
import { HEADERS } from './message-bus.port';
import { IncomingRecord, TRUNCATED_PREFIX_BYTES, deadLetterRecord, toDeadLetter } from './wire-record';

const record = (value: Buffer, headers: Record<string, string> = {}): IncomingRecord => ({
  topic: 'RunDco',
  partition: 2,
  offset: '41',
  key: 'dco-2026-11-26',
  value,
  headers,
});

describe('deadLetterRecord', () => {
  it('keeps a small original whole, with the dlq headers', () => {
    const letter = deadLetterRecord(record(Buffer.from('not json'), { 'x-a': 'b' }), 'MSG.INVALID_JSON', 'bad');
    expect(letter.value?.toString()).toBe('not json');
    expect(letter.headers).toEqual(
      expect.objectContaining({ 'x-a': 'b', [HEADERS.dlqCode]: 'MSG.INVALID_JSON', [HEADERS.dlqOriginalOffset]: '41' }),
    );
    expect(letter.headers[HEADERS.dlqTruncated]).toBeUndefined();
    expect(toDeadLetter(letter).truncated).toBeUndefined();
  });

  it('stores an original above the limit truncated, with its sha256, size, topic, partition and offset', () => {
    const value = Buffer.alloc(300_000, 0x41);
    const letter = deadLetterRecord(record(value, { [HEADERS.eventId]: 'e-1', 'x-big': 'x' }), 'MSG.TOO_LARGE', 'big');
    expect(letter.value).toHaveLength(TRUNCATED_PREFIX_BYTES);
    expect(letter.headers).toEqual({
      [HEADERS.eventId]: 'e-1',
      [HEADERS.dlqCode]: 'MSG.TOO_LARGE',
      [HEADERS.dlqReason]: 'big',
      [HEADERS.dlqOriginalTopic]: 'RunDco',
      [HEADERS.dlqOriginalPartition]: '2',
      [HEADERS.dlqOriginalOffset]: '41',
      [HEADERS.dlqTruncated]: 'MSG.DLQ_TRUNCATED',
      [HEADERS.dlqSha256]: createHash('sha256').update(value).digest('hex'),
      [HEADERS.dlqOriginalBytes]: '300000',
    });
    expect(toDeadLetter(letter).truncated).toEqual({
      sha256: createHash('sha256').update(value).digest('hex'),
      originalBytes: 300_000,
    });
  });

  it('truncates an original whose own headers are too large to copy, and bounds every copied header', () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-${i}`, 'v'.repeat(5_000)]));
    expect(
      deadLetterRecord(record(Buffer.from('{}'), many), 'MSG.NOT_AN_ENVELOPE', 'r').headers[HEADERS.dlqTruncated],
    ).toBe('MSG.DLQ_TRUNCATED');
    const one = deadLetterRecord(record(Buffer.from('{}'), { 'x-1': 'v'.repeat(5_000) }), 'MSG.NOT_AN_ENVELOPE', 'r');
    expect(one.headers['x-1']).toHaveLength(2_000);
    expect(
      deadLetterRecord(record(Buffer.from('{}')), 'MSG.NOT_AN_ENVELOPE', 'r'.repeat(9_000)).headers[HEADERS.dlqReason],
    ).toHaveLength(2_000);
  });
});

describe('refusalOf', () => {
  it('finds a broker refusal inside kafkajs wrappers and ignores transient errors', () => {
    expect(refusalOf({ name: 'KafkaJSNonRetriableError', cause: { type: 'MESSAGE_TOO_LARGE' } })).toBe(
      'MESSAGE_TOO_LARGE',
    );
    expect(refusalOf({ errors: [{ type: 'NOT_LEADER_FOR_PARTITION' }, { type: 'TOPIC_AUTHORIZATION_FAILED' }] })).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(refusalOf({ type: 'REQUEST_TIMED_OUT' })).toBeUndefined();
    expect(refusalOf(new Error('Connection closed'))).toBeUndefined();
  });
});

describe('matchesFilter', () => {
  it('never chooses a truncated dead letter for a re-drive: it holds only a prefix of the original', () => {
    const whole = {
      ...toDeadLetter(deadLetterRecord(record(Buffer.from('x')), 'MSG.INVALID_JSON', 'r')),
      key: null,
      partition: 0,
      offset: '0',
    };
    const cut = {
      ...toDeadLetter(deadLetterRecord(record(Buffer.alloc(300_000)), 'MSG.INVALID_JSON', 'r')),
      key: null,
      partition: 0,
      offset: '1',
    };
    expect([whole, cut].filter((entry) => matchesFilter(entry, { code: 'MSG.INVALID_JSON' }))).toEqual([whole]);
  });
});
