// The ACL table on a real broker (ADR 0019): a private KRaft broker with SASL/SCRAM-SHA-512 and StandardAuthorizer,
// the table applied with admin.createAcls; a worker's principal cannot publish a decision or a command, but its own
// subscription (group, transactional id, outcome topic) works end to end. Every kafkajs line, at info level, goes through
// the service logger (logCreator -> pino with its redaction): no password is in any of them, the failed handshake's included.
import { CodedError, MessageType, dlqTopicOf, fixtureMessage } from '@dco/contracts';
import { waitFor } from '@dco/probes';
import { createLogger, pinoBusLogger } from '@dco/observability';
import { PrivateSecureKafka, startPrivateSecureKafka } from '@dco/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { kafkaAclTable, toKafkajsAcls } from './kafka-acls';
import { KafkaMessageBus } from './kafka-message-bus.adapter';
import { HandlerOutput } from './message-bus.port';
import { createTopicsAndWait } from './kafka-topics';

jest.setTimeout(180_000);

const password = () => randomBytes(12).toString('base64url');
const USERS = { orchestrator: password(), 'infra-deployer': password() };
const WRONG_PASSWORD = password();
const TYPES: MessageType[] = ['ApplyInfra', 'InfraApplied', 'ApprovalGranted', 'RollbackInfra'];

describe('Kafka ACLs from the table, on a broker with SCRAM-SHA-512 and StandardAuthorizer', () => {
  let kafka: PrivateSecureKafka;
  const buses: KafkaMessageBus[] = [];
  const logLines: string[] = [];
  const logger = pinoBusLogger(
    createLogger({
      service: 'acl-spec',
      level: 'debug',
      format: 'json',
      destination: { write: (line) => logLines.push(line) },
    }),
  );

  const busOf = (username: keyof typeof USERS, secret = USERS[username]) => {
    const bus = new KafkaMessageBus({
      brokers: kafka.brokers,
      clientId: username,
      security: { sasl: { mechanism: 'scram-sha-512', username, password: secret } },
      namespace: 'dco',
      partitions: 1,
      // Not debug: kafkajs 2.2.4's debug logging of the SASL response breaks SCRAM (a Buffer getter on a logged copy).
      logLevel: 'info',
      logger,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      maxWaitTimeMs: 250,
    });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    kafka = await startPrivateSecureKafka({ users: USERS });
    const admin = new Kafka({
      clientId: 'dco-acl-admin',
      brokers: kafka.brokers,
      sasl: { mechanism: 'scram-sha-512', ...kafka.admin },
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      await admin.createAcls({ acl: toKafkajsAcls(kafkaAclTable({ namespace: 'dco' })) });
      await createTopicsAndWait(
        admin,
        TYPES.flatMap((type) => [type, dlqTopicOf(type)]).map((topic) => ({
          topic,
          numPartitions: 1,
          replicationFactor: 1,
        })),
      );
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close().catch(() => undefined)));
    await kafka?.close();
  });

  async function refusal(action: Promise<unknown>): Promise<CodedError> {
    const error = await action.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodedError);
    return error as CodedError;
  }

  it("refuses the infra-deployer's principal to publish ApprovalGranted or ApplyInfra with MSG.NOT_AUTHORIZED", async () => {
    const worker = busOf('infra-deployer');
    const runId = 'dco-2026-12-05';
    const granted = await refusal(
      worker.publish(fixtureMessage('ApprovalGranted', { eventId: randomUUID(), runId } as never)),
    );
    expect(granted.code).toBe('MSG.NOT_AUTHORIZED');
    expect(granted.message).toContain('ApprovalGranted');
    const command = await refusal(
      worker.publish(fixtureMessage('ApplyInfra', { eventId: randomUUID(), runId } as never)),
    );
    expect(command.code).toBe('MSG.NOT_AUTHORIZED');
  });

  it('lets the infra-deployer consume ApplyInfra and answer InfraApplied in its transactions, read by the orchestrator', async () => {
    const worker = busOf('infra-deployer');
    const orchestrator = busOf('orchestrator');
    const runId = 'dco-2026-12-06';
    await worker.subscribe({
      group: 'dco.infra-deployer',
      types: ['ApplyInfra'],
      handler: async (m): Promise<HandlerOutput> => ({
        messages: [fixtureMessage('InfraApplied', { eventId: randomUUID(), runId, causationId: m.eventId } as never)],
      }),
    });
    const answers: string[] = [];
    await orchestrator.subscribe({
      group: 'dco.orchestrator',
      types: ['InfraApplied'],
      handler: async (m) => void answers.push(m.causationId ?? ''),
    });
    const command = fixtureMessage('ApplyInfra', { eventId: randomUUID(), runId } as never);
    await orchestrator.publish(command);
    await waitFor(() => answers.includes(command.eventId), {
      description: 'the InfraApplied answer',
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    // The orchestrator's principal may publish the decision the worker may not.
    await orchestrator.publish(fixtureMessage('ApprovalGranted', { eventId: randomUUID(), runId } as never));
  });

  it('refuses a wrong password with MSG.NOT_AUTHORIZED', async () => {
    const intruder = busOf('infra-deployer', WRONG_PASSWORD);
    const error = await refusal(
      intruder.publish(fixtureMessage('InfraApplied', { eventId: randomUUID(), runId: 'dco-2026-12-07' } as never)),
    );
    expect(error.code).toBe('MSG.NOT_AUTHORIZED');
  });

  it("writes no password to any log line, the refused handshake's included", async () => {
    await Promise.all(buses.map((bus) => bus.close().catch(() => undefined)));
    const text = logLines.join('');
    expect(text).toContain('"component":"kafka"');
    expect(text).toMatch(/SASL SCRAM SHA512 authentication failed/);
    for (const secret of [...Object.values(USERS), WRONG_PASSWORD]) expect(text).not.toContain(secret);
  });
});
