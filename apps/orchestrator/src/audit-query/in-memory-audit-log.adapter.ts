// The AuditLog on the in-memory bus (npm start): the broker's committed AuditRecorded records.
import { AnyMessage, parseMessage } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { AUDIT_TOPIC, AuditLog } from './audit-log.port';

export class InMemoryAuditLog implements AuditLog {
  constructor(
    private readonly bus: InMemoryMessageBus,
    /** Another retained topic read the same way (default the audit trail's). */
    private readonly topic: string = AUDIT_TOPIC,
  ) {}

  async read(keep: (message: AnyMessage) => boolean): Promise<AnyMessage[]> {
    const kept: AnyMessage[] = [];
    for (const record of this.bus.broker.records(`${this.bus.topicPrefix}${this.topic}`)) {
      const parsed = parseMessage(record.value);
      if (parsed.ok && keep(parsed.message)) kept.push(parsed.message);
    }
    return kept;
  }
}
