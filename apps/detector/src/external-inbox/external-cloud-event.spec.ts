// External change reports as CloudEvents 1.0, produced with the official SDK: binary and structured HTTP modes through
// the detector's endpoint, the Kafka binding through the same reader; each rejection path answers with its code; the
// legacy body still works, flagged deprecated.
import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { CloudEvent, HTTP, Kafka } from 'cloudevents';
import { InMemoryMessageBus } from '@dco/messaging';
import { CLOCK, CommonConfig, PlatformModule, loadConfig } from '@dco/platform';
import { EXTERNAL_CHANGE_EVENT_TYPE, readKafkaCloudEvent, signedCloudEvent } from './external-cloud-event';
import { unsignedReport } from './external-report.fixture';
import { InMemoryExternalReportStore } from './external-report.store';
import { ExternalInboxModule } from './external-inbox.module';
import { signReport } from './external-signature';

const key = randomBytes(32);
const rotatedKey = randomBytes(32);
/** One minute after the fixture's reportedAt. */
const NOW = new Date('2026-11-26T07:00:00Z');
const RATE_LIMIT = 40;
jest.setTimeout(30_000);

const event = (overrides: Record<string, unknown> = {}, signWith = key) =>
  signedCloudEvent(unsignedReport(overrides) as never, signWith);
/** The event with attributes replaced after signing (what a faulty or hostile producer sends). */
const altered = (attributes: Record<string, unknown>) => new CloudEvent({ ...event().toJSON(), ...attributes }, false);

const withoutTime = () => {
  const { time: _time, ...attributes } = event().toJSON();
  return { headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(attributes) };
};

describe('external change reports as CloudEvents', () => {
  let app: INestApplication;
  let bus: InMemoryMessageBus;
  let store: InMemoryExternalReportStore;

  const send = async (message: { headers: Record<string, unknown>; body: unknown }) => {
    const response = await request(app.getHttpServer())
      .post('/api/external-changes')
      .set(message.headers as Record<string, string>)
      .send(message.body as string);
    await bus.broker.idle();
    return response;
  };

  beforeEach(async () => {
    bus = new InMemoryMessageBus();
    store = new InMemoryExternalReportStore();
    const config = loadConfig(CommonConfig, {
      DCO_PROFILE: 'embedded',
      DCO_API_RATE_LIMIT_INTAKE: String(RATE_LIMIT),
    });
    const env = {
      DCO_EXTERNAL_KEYS: `security-feed:${key.toString('base64')},security-feed:k2:${rotatedKey.toString('base64')}`,
    };
    @Module({
      imports: [PlatformModule.forRoot({ service: 'detector', config, bus }), ExternalInboxModule.register(store, env)],
    })
    class TestRoot {}
    const moduleRef = await Test.createTestingModule({ imports: [TestRoot] })
      .overrideProvider(CLOCK)
      .useValue({ now: () => NOW })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(() => app.close());

  it.each([
    ['binary', HTTP.binary],
    ['structured', HTTP.structured],
  ])('accepts a signed report in %s mode and keeps it for the next detection', async (_mode, serialize) => {
    const sent = event();
    const response = await send(serialize(sent));
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ accepted: true, reportId: sent.id });
    expect((await store.pendingFor('2026-11-26')).map((stored) => stored.report)).toEqual([
      expect.objectContaining({
        producerId: 'security-feed',
        reportId: sent.id,
        reportedAt: '2026-11-26T06:59:00.000Z',
        urgent: false,
      }),
    ]);
  });

  it('starts a run for an urgent report', async () => {
    await send(HTTP.binary(event({ urgent: true })));
    expect(bus.broker.records('RunRequested')).toHaveLength(1);
  });

  it.each([
    ['a wrong specversion', () => HTTP.structured(altered({ specversion: '0.3' })), 400, 'CE.UNSUPPORTED_SPECVERSION'],
    [
      'a wrong specversion header',
      () => ({ ...HTTP.binary(event()), headers: { ...HTTP.binary(event()).headers, 'ce-specversion': '2.0' } }),
      400,
      'CE.UNSUPPORTED_SPECVERSION',
    ],
    ['an unknown type', () => HTTP.binary(altered({ type: 'com.example.other' })), 400, 'CE.UNSUPPORTED_TYPE'],
    [
      'a source that names no producer',
      () => HTTP.binary(altered({ source: 'https://example.com/feed' })),
      400,
      'CE.INVALID_ATTRIBUTES',
    ],
    ['no time (the SDK always sets one; other producers may not)', () => withoutTime(), 400, 'CE.INVALID_ATTRIBUTES'],
    ['no data', () => HTTP.structured(altered({ data: undefined })), 400, 'CE.MISSING_DATA'],
    ['no signature', () => HTTP.binary(altered({ dcosignature: undefined })), 401, 'CE.MISSING_SIGNATURE'],
    ['a wrong signature', () => HTTP.binary(event({}, randomBytes(32))), 401, 'MSG.BAD_SIGNATURE'],
    [
      'a tampered report',
      () => HTTP.binary(altered({ data: { ...event().data, urgent: true } })),
      401,
      'MSG.BAD_SIGNATURE',
    ],
    ['an unknown producer', () => HTTP.binary(event({ producerId: 'stranger' })), 403, 'MSG.UNKNOWN_PRODUCER'],
    [
      'a key id the producer does not have',
      () => HTTP.binary(signedCloudEvent(unsignedReport() as never, rotatedKey, 'k3')),
      401,
      'MSG.BAD_SIGNATURE',
    ],
    [
      'a report older than the window (5 min)',
      () => HTTP.binary(event({ reportedAt: '2026-11-26T06:54:59Z' })),
      400,
      'MSG.STALE_REPORT',
    ],
    [
      'a body over 16 kB',
      () => ({
        headers: { 'content-type': 'application/json' },
        body: { ...unsignedReport(), padding: 'x'.repeat(17 * 1024) },
      }),
      413,
      'MSG.TOO_LARGE',
    ],
    [
      'a structured body that is no event',
      () => ({ headers: { 'content-type': 'application/cloudevents+json' }, body: '[1,2]' }),
      400,
      'CE.UNSUPPORTED_SPECVERSION',
    ],
  ])(
    'refuses %s with a coded answer, never forwards it to the bus, stores nothing',
    async (_label, make, status, code) => {
      const response = await send(make());
      expect({ status: response.status, body: response.body }).toEqual({
        status,
        body: { accepted: false, code, message: expect.any(String) },
      });
      expect(bus.broker.records('ExternalChangeReported')).toEqual([]);
      expect(await store.pendingFor('2026-11-26')).toEqual([]);
    },
  );

  it('accepts a report signed with a named key of the producer (dcokeyid), next to its unnamed key', async () => {
    const sent = signedCloudEvent(unsignedReport() as never, rotatedKey, 'k2');
    expect((await send(HTTP.binary(sent))).status).toBe(202);
    expect((await store.pendingFor('2026-11-26')).map((stored) => stored.report.keyId)).toEqual(['k2']);
  });

  it('answers API.RATE_LIMITED with Retry-After past the per-address limit, without reading the body', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 1; i += 1)
      statuses.push((await send({ headers: { 'content-type': 'application/json' }, body: '[]' })).status);
    expect(statuses.slice(0, RATE_LIMIT).every((status) => status === 400)).toBe(true);
    const limited = await send(HTTP.binary(event()));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'API.RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await store.pendingFor('2026-11-26')).toEqual([]);
  });

  it('refuses a replayed event', async () => {
    const sent = HTTP.binary(event());
    expect((await send(sent)).status).toBe(202);
    expect((await send(sent)).body).toMatchObject({ accepted: false, code: 'MSG.REPLAYED' });
  });

  it('still accepts the legacy signed body until its sunset, flagged Deprecation and Sunset', async () => {
    const legacy: Record<string, unknown> = unsignedReport();
    legacy.signature = signReport(legacy, key);
    const response = await send({ headers: { 'content-type': 'application/json' }, body: legacy });
    expect(response.status).toBe(202);
    expect(response.headers.deprecation).toBe('true');
    expect(new Date(response.headers.sunset).toISOString()).toBe('2027-06-30T00:00:00.000Z');
  });

  it.each([
    ['binary', Kafka.binary],
    ['structured', Kafka.structured],
  ])('reads the Kafka binding in %s mode into the same report', (_mode, serialize) => {
    const sent = event();
    expect(readKafkaCloudEvent(serialize(sent))).toEqual({
      ok: true,
      report: expect.objectContaining({ reportId: sent.id, producerId: 'security-feed', signature: sent.dcosignature }),
    });
    expect(readKafkaCloudEvent(serialize(altered({ type: 'x' })))).toMatchObject({
      ok: false,
      code: 'CE.UNSUPPORTED_TYPE',
    });
  });

  it('names the type it accepts', () => {
    expect(event().type).toBe(EXTERNAL_CHANGE_EVENT_TYPE);
  });
});
