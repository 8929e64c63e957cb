// The AuditLog on Kafka: scans the retained AuditRecorded topic (read-committed) to its stable end for each query.
import { AnyMessage, parseMessage } from '@dco/contracts';
import { KafkaSecurity, kafkaSecurityConfig, readTopicToEnd } from '@dco/messaging';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { AUDIT_TOPIC, AuditLog } from './audit-log.port';

export interface KafkaAuditLogOptions {
  brokers: string[];
  clientId: string;
  security?: KafkaSecurity;
  /** DCO_NAMESPACE: the reader's throw-away group is `<namespace>.orchestrator-audit-reader.<uuid>`. */
  namespace: string;
  topicPrefix?: string;
  timeoutMs: number;
  /** Another retained topic read the same way (default the audit trail's), with its own reader group prefix. */
  topic?: string;
  readerGroup?: string;
}

/** The group prefix of the audit reader (the ACL table grants it). */
export const AUDIT_READER_GROUP = 'orchestrator-audit-reader.';

export class KafkaAuditLog implements AuditLog {
  private readonly kafka: Kafka;

  constructor(private readonly options: KafkaAuditLogOptions) {
    this.kafka = new Kafka({
      clientId: `${options.clientId}-audit`,
      brokers: options.brokers,
      ...kafkaSecurityConfig(options.security),
      logLevel: logLevel.ERROR,
    });
  }

  async read(keep: (message: AnyMessage) => boolean): Promise<AnyMessage[]> {
    const kept: AnyMessage[] = [];
    await readTopicToEnd(
      this.kafka,
      {
        topic: `${this.options.topicPrefix ?? ''}${this.options.topic ?? AUDIT_TOPIC}`,
        groupId: `${this.options.namespace}.${this.options.readerGroup ?? AUDIT_READER_GROUP}${randomUUID()}`,
        timeoutMs: this.options.timeoutMs,
      },
      (record) => {
        const parsed = parseMessage(record.value);
        if (parsed.ok && keep(parsed.message)) kept.push(parsed.message);
      },
    );
    return kept;
  }
}
