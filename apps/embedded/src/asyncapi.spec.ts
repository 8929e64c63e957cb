// The bus's AsyncAPI document against the official parser and against real traffic: it covers every registered message
// type and its dead-letter topic, and every message of a full day played in one process (embedded profile, in-memory
// bus) validates against the payload schema the document gives its type.
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { randomBytes } from 'node:crypto';
import Ajv from 'ajv';
import { Kafka as CloudEventsKafka } from 'cloudevents';
import addFormats from 'ajv-formats';
import {
  ALL_MESSAGE_TYPES,
  FIXTURE_DATA,
  createMessage,
  dlqTopicOf,
  fixtureMessage,
  runIdOf,
  systemClock,
} from '@dco/contracts';
import { InMemoryMessageBus, buildAsyncApiDocument } from '@dco/messaging';
import { ObservabilityModule } from '@dco/observability';
import { CommonConfig, PlatformModule, loadConfig, startCommandWorkers, uuidGenerator } from '@dco/platform';
import { asyncApiMessageCheck, waitFor } from '@dco/testing';
import { signedCloudEvent } from '../../detector/src/external-inbox/external-cloud-event';
import { EXTERNAL_CLOUD_EVENTS_ASYNCAPI } from '../../detector/src/external-inbox/external-cloud-events.asyncapi';
import { unsignedReport } from '../../detector/src/external-inbox/external-report.fixture';
import { EMBEDDED_DEFAULTS, serviceModules } from './embedded.modules';

jest.setTimeout(120_000);
const DAY = '2099-06-01';

describe('the AsyncAPI document of the bus', () => {
  let document: AsyncAPIDocumentInterface;
  let validators: Map<string, unknown>;
  let validate: (message: unknown) => string[];

  beforeAll(async () => {
    const check = await asyncApiMessageCheck(buildAsyncApiDocument([EXTERNAL_CLOUD_EVENTS_ASYNCAPI]));
    ({ document, validators } = check);
    validate = check.errorsOf;
  });

  it('is AsyncAPI 3 and covers every registered message type with its key, headers, schema version and dead-letter topic', () => {
    expect(document.version()).toBe('3.0.0');
    const channels = document
      .channels()
      .all()
      .map((channel) => channel.address());
    for (const type of ALL_MESSAGE_TYPES) {
      expect(channels).toEqual(expect.arrayContaining([type, dlqTopicOf(type)]));
      const message = document.messages().get(type);
      expect(message?.headers()?.required()).toEqual(['dco-type', 'dco-event-id']);
      expect(message?.bindings().get('kafka')?.value()).toMatchObject({ key: { pattern: expect.any(String) } });
      expect(message?.payload()?.properties()?.schemaVersion.const()).toBe(fixtureMessage(type).schemaVersion);
    }
    expect(validators.size).toBe(ALL_MESSAGE_TYPES.length);
    expect(channels).toEqual(expect.arrayContaining(['ExternalChangeCloudEvents', 'ExternalChangeCloudEvents.dlq']));
  });

  it('describes the CloudEvents Kafka binding that the SDK produces', () => {
    const binary = CloudEventsKafka.binary(signedCloudEvent(unsignedReport(), randomBytes(32)));
    const message = document.messages().get('ExternalChangeCloudEvent');
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const headers = Object.fromEntries(Object.entries(binary.headers).filter(([, value]) => value !== undefined));
    expect(ajv.validate(message?.headers()?.json() as object, headers) ? [] : ajv.errors).toEqual([]);
    expect(ajv.validate(message?.payload()?.json() as object, binary.value) ? [] : ajv.errors).toEqual([]);
  });

  it('accepts the fixture of every type and refuses a broken one', () => {
    expect(ALL_MESSAGE_TYPES.flatMap((type) => validate(JSON.parse(JSON.stringify(fixtureMessage(type)))))).toEqual([]);
    const broken = { ...fixtureMessage('ChangesDetected'), data: { ...FIXTURE_DATA.ChangesDetected, day: 'tomorrow' } };
    expect(validate(broken)).toEqual([expect.stringContaining('/data/day')]);
    expect(validate({ ...fixtureMessage('DailyTick'), schemaVersion: 1 })).toEqual([
      expect.stringContaining('/schemaVersion'),
    ]);
  });

  it('validates every message of a full day played through the in-memory bus', async () => {
    const env: NodeJS.ProcessEnv = {
      ...EMBEDDED_DEFAULTS,
      DCO_DEMO_ACCOUNTS: '50',
      DCO_DEMO_CONTRIBUTIONS: '200',
      ...process.env,
      DCO_PROFILE: 'embedded',
      LOG_LEVEL: 'warn',
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const bus = new InMemoryMessageBus();
    const common = loadConfig(CommonConfig, env);
    @Module({
      imports: [
        PlatformModule.forRoot({ service: 'dco-autopilot', config: common, bus }),
        ObservabilityModule.forRoot({ service: 'dco-autopilot', defaultMetrics: false }),
        ...serviceModules(env),
      ],
    })
    class EmbeddedDay {}
    const app = (await Test.createTestingModule({ imports: [EmbeddedDay] }).compile()).createNestApplication({
      logger: false,
    });
    await app.init();
    await startCommandWorkers(app);
    try {
      const tick = createMessage(
        'DailyTick',
        { day: DAY, trigger: 'manual', scheduledAt: systemClock.now().toISOString() },
        { runId: runIdOf(DAY), producer: 'scheduler' },
        { clock: systemClock, ids: uuidGenerator },
      );
      await bus.publish(tick);
      await waitFor(() => bus.broker.records('RunCompleted').length > 0, {
        description: 'the day run completed',
        timeoutMs: 90_000,
        intervalMs: 100,
      });
      const messages = ALL_MESSAGE_TYPES.flatMap((type) =>
        bus.broker.records(type).map((record) => JSON.parse(String(record.value)) as { type: string }),
      );
      expect(new Set(messages.map((message) => message.type))).toEqual(
        new Set([
          'DailyTick',
          'RunStarted',
          'DetectChanges',
          'ChangesDetected',
          'ApplyInfra',
          'InfraApplied',
          'MigrateDb',
          'DbMigrationProgress',
          'DbMigrated',
          'RunDco',
          'DcoCompleted',
          'RunCompleted',
          'AuditRecorded',
        ]),
      );
      expect(messages.flatMap(validate)).toEqual([]);
      // npm start records the audit trail too (ADR 0028): the day's change, apply, migration and DCO, each by its service.
      const audit = messages.filter((message) => message.type === 'AuditRecorded') as unknown as {
        data: { kind: string; actor: string };
      }[];
      for (const expected of [
        'change-detected by detector',
        'apply by infra-deployer',
        'migration by db-migrator',
        'dco by dco-runner',
      ])
        expect(audit.map(({ data }) => `${data.kind} by ${data.actor}`)).toContain(expected);
      expect(bus.broker.deadLetters()).toEqual([]);
    } finally {
      await app.close();
      process.env = saved;
    }
  });
});
