// Bad-input suite, HTTP bodies and headers and Kafka CloudEvents records (issue 15 item 8): thousands of generated
// requests into the CloudEvents readers of the external inbox. Each is read or refused with a registered code, and
// none throws. Deterministic: fixed seed.
import { isErrorCode } from '@dco/contracts';
import fc from 'fast-check';
import { EXTERNAL_CHANGE_EVENT_TYPE, readHttpCloudEvent, readKafkaCloudEvent } from './external-cloud-event';

const SEED = 15_008;
const RUNS = 3_000;

const headerName = fc.oneof(
  fc.constantFrom(
    'content-type',
    'Content-Type',
    'ce-specversion',
    'ce-id',
    'ce-source',
    'ce-type',
    'ce-time',
    'ce-dcosignature',
    'ce-subject',
    'ce_specversion',
    'ce_id',
    'ce_source',
    'ce_type',
    'ce_time',
    'ce_dcosignature',
  ),
  fc.string({ maxLength: 20 }),
);
const headerValue = fc.oneof(
  fc.constantFrom(
    '1.0',
    '0.3',
    'application/cloudevents+json',
    'application/cloudevents-batch+json',
    'application/json',
    EXTERNAL_CHANGE_EVENT_TYPE,
    'urn:dco:producer:security-feed',
    '2026-11-26T05:00:00.000Z',
    '',
  ),
  fc.string({ maxLength: 80 }),
);
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 8 });
const structured = fc.record(
  {
    specversion: fc.oneof(fc.constant('1.0'), fc.jsonValue()),
    id: fc.oneof(fc.uuid(), fc.jsonValue()),
    source: fc.oneof(fc.constant('urn:dco:producer:security-feed'), fc.jsonValue()),
    type: fc.oneof(fc.constant(EXTERNAL_CHANGE_EVENT_TYPE), fc.jsonValue()),
    time: fc.oneof(fc.constant('2026-11-26T05:00:00.000Z'), fc.jsonValue()),
    dcosignature: fc.oneof(fc.constant('0'.repeat(64)), fc.jsonValue()),
    data: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(structured, fc.jsonValue(), fc.string({ maxLength: 200 }), fc.constant(undefined));

describe('bad input: generated CloudEvents over HTTP and Kafka', () => {
  it(`reads or refuses each of ${RUNS} HTTP requests with a registered code, never throwing`, () => {
    const codes = new Map<string, number>();
    let read = 0;
    fc.assert(
      fc.property(headers, body, (h, b) => {
        const result = readHttpCloudEvent({ headers: h, body: b });
        if (result.ok) read += 1;
        else {
          codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
          if (!isErrorCode(result.code)) return false;
        }
        return true;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    process.stdout.write(
      `bad-input HTTP: ${RUNS} requests, ${read} read, refused ${JSON.stringify(Object.fromEntries(codes))}\n`,
    );
    expect([...codes.values()].reduce((a, b) => a + b, 0) + read).toBe(RUNS);
    expect(codes.size).toBeGreaterThanOrEqual(3);
  });

  it(`reads or refuses each of ${RUNS} Kafka records with a registered code, never throwing`, () => {
    const codes = new Map<string, number>();
    let read = 0;
    const value = fc.oneof(
      structured.map((event) => Buffer.from(JSON.stringify(event))),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(null),
    );
    fc.assert(
      fc.property(headers, value, (h, v) => {
        const result = readKafkaCloudEvent({
          key: null,
          value: v,
          headers: h,
          timestamp: '0',
          attributes: 0,
          offset: '0',
        } as never);
        if (result.ok) read += 1;
        else {
          codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
          if (!isErrorCode(result.code)) return false;
        }
        return true;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    process.stdout.write(
      `bad-input Kafka CloudEvents: ${RUNS} records, ${read} read, refused ${JSON.stringify(Object.fromEntries(codes))}\n`,
    );
    expect([...codes.values()].reduce((a, b) => a + b, 0) + read).toBe(RUNS);
  });
});
