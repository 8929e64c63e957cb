// Which orchestrator is the active one: a KafkaLease on the OrchestratorLease topic where the saga runs on Kafka, and a
// lease that is always held where it runs in memory (embedded: one process, nobody to share with). ADR 0004.
import { Kafka } from 'kafkajs';
import { BusLogger, KafkaLease, KafkaSecurity, kafkaLogging, kafkaSecurityConfig } from '@dco/messaging';

export const ORCHESTRATOR_LEASE = Symbol('OrchestratorLease');

/** Consumer group of the lease (before the namespace). */
export const LEASE_GROUP = 'orchestrator-lease';

export interface OrchestratorLease {
  /** This process's name as the others see it (its pod name). */
  readonly name: string;
  /** Joins; `onChange` is called each time this process gains or loses the lease. */
  start(onChange: (held: boolean) => void): Promise<void>;
  /** Leaves, so that a standby takes over at once. */
  stop(): Promise<void>;
  /** The name of the current holder, if known. */
  holder(): Promise<string | undefined>;
}

/** The lease of a process that runs alone (embedded, in-memory bus): held from the start. */
export class SoleLease implements OrchestratorLease {
  constructor(readonly name: string) {}

  async start(onChange: (held: boolean) => void): Promise<void> {
    onChange(true);
  }

  async stop(): Promise<void> {}

  async holder(): Promise<string> {
    return this.name;
  }
}

export interface KafkaOrchestratorLeaseOptions {
  brokers: string[];
  name: string;
  /** `<prefix>OrchestratorLease`. */
  topic: string;
  /** `<namespace>.orchestrator-lease`. */
  groupId: string;
  sessionTimeoutMs: number;
  log(level: 'info' | 'warn', message: string): void;
  /** The service principal's SASL/TLS settings (ADR 0019), as the bus has them. */
  security?: KafkaSecurity;
  /** The Kafka client's error lines: the service's structured logger. */
  logger?: BusLogger;
}

export class KafkaOrchestratorLease implements OrchestratorLease {
  readonly name: string;
  private lease?: KafkaLease;
  private readonly kafka: Kafka;

  constructor(private readonly options: KafkaOrchestratorLeaseOptions) {
    this.name = options.name;
    this.kafka = new Kafka({
      clientId: `orchestrator-lease-${options.name}`,
      brokers: options.brokers,
      ...kafkaSecurityConfig(options.security),
      ...kafkaLogging(options.logger, 'error'),
    });
  }

  async start(onChange: (held: boolean) => void): Promise<void> {
    this.lease = new KafkaLease({
      kafka: this.kafka,
      topic: this.options.topic,
      groupId: this.options.groupId,
      name: this.name,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      onChange,
      log: this.options.log,
    });
    await this.lease.start();
  }

  async stop(): Promise<void> {
    await this.lease?.stop();
  }

  async holder(): Promise<string | undefined> {
    return this.lease?.holder();
  }
}
