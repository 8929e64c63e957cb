// dco kafka acls --apply on a real broker with SCRAM-SHA-512 and StandardAuthorizer: staging's table (its namespace,
// topic prefix and principals) applied with the admin principal from KAFKA_SASL_*; staging's infra-deployer then writes
// its own outcome topic and nothing else: not staging's commands, not production's topics. An ACL granted by hand beyond
// the table is reported and left alone.
import { MessageType, fixtureMessage } from '@dco/contracts';
import { KafkaMessageBus, createTopicsAndWait, toKafkajsAcls } from '@dco/messaging';
import { PrivateSecureKafka, startPrivateSecureKafka } from '@dco/testing';
import { Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { register } from './kafka.commands';

jest.setTimeout(180_000);

const USERS = { 'staging-infra-deployer': randomBytes(12).toString('base64url') };
const TOPICS = ['staging.InfraApplied', 'staging.ApplyInfra', 'InfraApplied', 'staging.RollbackInfra'];

describe('dco kafka acls --apply, on a broker that authorizes', () => {
  let kafka: PrivateSecureKafka;
  const buses: KafkaMessageBus[] = [];
  const saved = { ...process.env };
  let logs: string[];

  const admin = () =>
    new Kafka({
      clientId: 'acl-cli-spec',
      brokers: kafka.brokers,
      sasl: { mechanism: 'scram-sha-512', ...kafka.admin },
      logLevel: logLevel.NOTHING,
    }).admin();

  const stagingInfraDeployer = (topicPrefix: string | undefined) => {
    const bus = new KafkaMessageBus({
      brokers: kafka.brokers,
      clientId: 'staging-infra-deployer',
      security: {
        sasl: {
          mechanism: 'scram-sha-512',
          username: 'staging-infra-deployer',
          password: USERS['staging-infra-deployer'],
        },
      },
      namespace: 'dco-staging',
      ...(topicPrefix ? { topicPrefix } : {}),
      partitions: 1,
      logLevel: 'error',
    });
    buses.push(bus);
    return bus;
  };
  const publish = (bus: KafkaMessageBus, type: MessageType) =>
    bus.publish(fixtureMessage(type, { eventId: randomUUID(), runId: 'dco-2026-12-06' } as never)).then(
      () => 'written',
      (error: { code?: string }) => error.code ?? String(error),
    );

  beforeAll(async () => {
    kafka = await startPrivateSecureKafka({ users: USERS });
    const setup = admin();
    await setup.connect();
    try {
      await createTopicsAndWait(
        setup,
        TOPICS.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      );
      // Granted by hand, beyond the table: the command must report it and leave it.
      await setup.createAcls({
        acl: toKafkajsAcls([
          {
            principal: 'User:staging-infra-deployer',
            resourceType: 'TOPIC',
            pattern: 'LITERAL',
            name: 'staging.RollbackInfra',
            operation: 'DESCRIBE',
          },
        ]),
      });
    } finally {
      await setup.disconnect();
    }
    Object.assign(process.env, {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: kafka.admin.username,
      KAFKA_SASL_PASSWORD: kafka.admin.password,
    });
    logs = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    const program = new Command('dco').exitOverride();
    register(program);
    await program.parseAsync(
      [
        'kafka',
        'acls',
        '--namespace',
        'dco-staging',
        '--topic-prefix',
        'staging.',
        '--principal',
        'User:staging-{service}',
        '--apply',
        '--json',
      ],
      { from: 'user' },
    );
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all(buses.map((bus) => bus.close().catch(() => undefined)));
    await kafka?.close();
  });

  it('reports every rule held and the hand-made grant beyond the table', () => {
    const output = JSON.parse(logs[0]) as { held: number; created: number; extra: unknown[] };
    expect(output.held).toBeGreaterThan(50);
    expect(output.created).toBeLessThanOrEqual(output.held);
    expect(output.extra).toEqual([
      {
        principal: 'User:staging-infra-deployer',
        resourceType: 'TOPIC',
        pattern: 'LITERAL',
        name: 'staging.RollbackInfra',
        operation: 'DESCRIBE',
      },
    ]);
  });

  it("lets staging's infra-deployer write its outcome under staging's prefix and refuses its commands", async () => {
    const bus = stagingInfraDeployer('staging.');
    expect(await publish(bus, 'InfraApplied')).toBe('written');
    expect(await publish(bus, 'ApplyInfra')).toBe('MSG.NOT_AUTHORIZED');
  });

  it("refuses staging's infra-deployer production's topics", async () => {
    expect(await publish(stagingInfraDeployer(undefined), 'InfraApplied')).toBe('MSG.NOT_AUTHORIZED');
  });
});
