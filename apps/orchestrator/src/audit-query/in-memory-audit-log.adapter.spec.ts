// The in-memory AuditLog passes the AuditLog contract.
import { InMemoryMessageBus } from '@dco/messaging';
import { auditLogContract } from './audit-log.contract';
import { InMemoryAuditLog } from './in-memory-audit-log.adapter';

auditLogContract(
  'in-memory',
  async () => {
    const bus = new InMemoryMessageBus();
    return { bus, log: () => new InMemoryAuditLog(bus), close: () => bus.close() };
  },
  5_000,
);
